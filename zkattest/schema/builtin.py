"""The built-in schemas, ``investor/v1`` and ``accreditation/v1``, and the ISO
3166-1 table ``investor/v1``'s country uses."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from zkattest.schema.model import EXPIRY_ATTRIBUTE, Attribute, Schema
from zkattest.schema.types import BoolType, DateType, EnumType, TextType, UIntType

__all__ = ["ACCREDITATION_V1", "INVESTOR_V1", "ISO_3166_1_NUMERIC"]

# ISO 3166-1 alpha-2 -> numeric, all 249 officially assigned codes, from the
# Debian iso-codes package 4.15.0 (/usr/share/iso-codes/json/iso_3166-1.json).
_ISO_3166_1 = """
    AD 020  AE 784  AF 004  AG 028  AI 660  AL 008  AM 051  AO 024  AQ 010  AR 032  AS 016  AT 040
    AU 036  AW 533  AX 248  AZ 031  BA 070  BB 052  BD 050  BE 056  BF 854  BG 100  BH 048  BI 108
    BJ 204  BL 652  BM 060  BN 096  BO 068  BQ 535  BR 076  BS 044  BT 064  BV 074  BW 072  BY 112
    BZ 084  CA 124  CC 166  CD 180  CF 140  CG 178  CH 756  CI 384  CK 184  CL 152  CM 120  CN 156
    CO 170  CR 188  CU 192  CV 132  CW 531  CX 162  CY 196  CZ 203  DE 276  DJ 262  DK 208  DM 212
    DO 214  DZ 012  EC 218  EE 233  EG 818  EH 732  ER 232  ES 724  ET 231  FI 246  FJ 242  FK 238
    FM 583  FO 234  FR 250  GA 266  GB 826  GD 308  GE 268  GF 254  GG 831  GH 288  GI 292  GL 304
    GM 270  GN 324  GP 312  GQ 226  GR 300  GS 239  GT 320  GU 316  GW 624  GY 328  HK 344  HM 334
    HN 340  HR 191  HT 332  HU 348  ID 360  IE 372  IL 376  IM 833  IN 356  IO 086  IQ 368  IR 364
    IS 352  IT 380  JE 832  JM 388  JO 400  JP 392  KE 404  KG 417  KH 116  KI 296  KM 174  KN 659
    KP 408  KR 410  KW 414  KY 136  KZ 398  LA 418  LB 422  LC 662  LI 438  LK 144  LR 430  LS 426
    LT 440  LU 442  LV 428  LY 434  MA 504  MC 492  MD 498  ME 499  MF 663  MG 450  MH 584  MK 807
    ML 466  MM 104  MN 496  MO 446  MP 580  MQ 474  MR 478  MS 500  MT 470  MU 480  MV 462  MW 454
    MX 484  MY 458  MZ 508  NA 516  NC 540  NE 562  NF 574  NG 566  NI 558  NL 528  NO 578  NP 524
    NR 520  NU 570  NZ 554  OM 512  PA 591  PE 604  PF 258  PG 598  PH 608  PK 586  PL 616  PM 666
    PN 612  PR 630  PS 275  PT 620  PW 585  PY 600  QA 634  RE 638  RO 642  RS 688  RU 643  RW 646
    SA 682  SB 090  SC 690  SD 729  SE 752  SG 702  SH 654  SI 705  SJ 744  SK 703  SL 694  SM 674
    SN 686  SO 706  SR 740  SS 728  ST 678  SV 222  SX 534  SY 760  SZ 748  TC 796  TD 148  TF 260
    TG 768  TH 764  TJ 762  TK 772  TL 626  TM 795  TN 788  TO 776  TR 792  TT 780  TV 798  TW 158
    TZ 834  UA 804  UG 800  UM 581  US 840  UY 858  UZ 860  VA 336  VC 670  VE 862  VG 092  VI 850
    VN 704  VU 548  WF 876  WS 882  YE 887  YT 175  ZA 710  ZM 894  ZW 716
"""


def _parse_iso_table(text: str) -> dict[str, int]:
    fields = text.split()
    table = {fields[i]: int(fields[i + 1], 10) for i in range(0, len(fields), 2)}
    if len(table) != 249 or len(set(table.values())) != 249:  # pragma: no cover - data check
        raise AssertionError("the ISO 3166-1 table must have 249 distinct entries")
    return table


#: ISO 3166-1 alpha-2 code -> ISO 3166-1 numeric code (e.g. ``"US"`` -> 840).
ISO_3166_1_NUMERIC: Final[Mapping[str, int]] = _parse_iso_table(_ISO_3166_1)

_USD = UIntType(bits=48)

#: The Rule 501(a) prongs, one table for every schema that names one.
_ACCREDITATION_BASIS = EnumType(
    "accreditation basis",
    (
        ("none", 0),
        ("net_worth", 1),
        ("income", 2),
        ("professional_licence", 3),
        ("regulated_entity", 4),
        ("entity_assets", 5),
        ("entity_investments", 6),
        ("all_owners_accredited", 7),
        ("family_office", 8),
    ),
)

#: The investor credential, version 1. Not-applicable amounts (e.g. total
#: assets of an individual) are given as 0 by the issuer: nothing is defaulted.
INVESTOR_V1: Final = Schema(
    id="investor/v1",
    version=1,
    description="Investor eligibility credential issued by a KYC provider.",
    attributes=(
        Attribute(
            "holder_ref",
            TextType(),
            "The issuer's reference for the holder (e.g. customer id); hashed, never disclosed.",
        ),
        Attribute("legal_name", TextType(), "Full legal name of the person or entity; hashed."),
        Attribute(
            "birth_date",
            DateType(),
            "Date of birth (individual) or of incorporation or formation (entity).",
        ),
        Attribute(
            "country",
            EnumType("ISO 3166-1 alpha-2", tuple(sorted(ISO_3166_1_NUMERIC.items()))),
            "Country of residence (individual) or of organisation (entity), ISO 3166-1"
            " alpha-2 in, numeric code signed.",
        ),
        Attribute(
            "investor_type",
            EnumType("investor type", (("individual", 1), ("entity", 2))),
            "Natural person or legal entity.",
        ),
        Attribute(
            "net_worth_usd",
            _USD,
            "Net worth in whole US dollars, excluding the primary residence (Rule 501(a)(5)).",
        ),
        Attribute("annual_income_usd", _USD, "Annual income in whole US dollars."),
        Attribute("total_assets_usd", _USD, "Total assets in whole US dollars (entities; else 0)."),
        Attribute(
            "securities_owned_usd",
            _USD,
            "Securities of unaffiliated issuers owned and invested on a discretionary basis,"
            " in whole US dollars (Rule 144A QIB test; else 0).",
        ),
        Attribute(
            "licence_series_7", BoolType(), "Holds a FINRA Series 7 licence in good standing."
        ),
        Attribute(
            "licence_series_65", BoolType(), "Holds a FINRA Series 65 licence in good standing."
        ),
        Attribute(
            "licence_series_82", BoolType(), "Holds a FINRA Series 82 licence in good standing."
        ),
        Attribute(
            "kyc_level",
            UIntType(bits=2),
            "KYC level 0-3: 0 none, 1 identity document checked, 2 document and liveness"
            " or address verified, 3 enhanced due diligence.",
        ),
        Attribute(
            "sanctions_screening",
            EnumType("sanctions screening", (("clear", 1), ("hit", 2), ("pending", 3))),
            "Sanctions screening result at issuance: clear (no match), hit (confirmed"
            " match), pending (potential match under review).",
        ),
        Attribute(
            "accreditation_basis",
            _ACCREDITATION_BASIS,
            "The Rule 501(a) prong the issuer verified: none; net_worth (a)(5); income"
            " (a)(6); professional_licence (a)(10); regulated_entity (a)(1)-(2);"
            " entity_assets (a)(3),(7); entity_investments (a)(9); all_owners_accredited"
            " (a)(8); family_office (a)(12)-(13).",
        ),
        Attribute("issuance_date", DateType(), "Date the credential was issued."),
        Attribute(EXPIRY_ATTRIBUTE, DateType(), "Last day on which the credential is valid."),
    ),
    date_order=(("birth_date", "issuance_date"), ("issuance_date", EXPIRY_ATTRIBUTE)),
)


#: A third party's accreditation letter (Rule 506(c) "reasonable steps to
#: verify"): a CPA, attorney, registered broker-dealer or investment adviser,
#: or a verification service checked the holder's Rule 501(a) basis on
#: ``verified_date``; the letter is valid through ``expiry_date`` (about 90
#: days is usual). Issued bound to the holder secret, like ``investor/v1``.
ACCREDITATION_V1: Final = Schema(
    id="accreditation/v1",
    version=1,
    description="Accreditation letter issued by a Rule 506(c) verifier.",
    attributes=(
        Attribute(
            "holder_ref",
            TextType(),
            "The verifier's reference for the holder (e.g. engagement id); hashed, never"
            " disclosed.",
        ),
        Attribute(
            "accreditation_basis",
            _ACCREDITATION_BASIS,
            "The Rule 501(a) prong verified (the table of investor/v1's accreditation_basis).",
        ),
        Attribute(
            "verifier_kind",
            EnumType(
                "verifier kind",
                (
                    ("cpa", 1),
                    ("attorney", 2),
                    ("broker_dealer", 3),
                    ("investment_adviser", 4),
                    ("verification_service", 5),
                ),
            ),
            "Who verified: a certified public accountant, an attorney, a registered"
            " broker-dealer, a registered investment adviser, or a verification service"
            " (the third parties of Rule 506(c)(2)(ii)(C)).",
        ),
        Attribute("verified_date", DateType(), "Date the verifier completed its check."),
        Attribute("issuance_date", DateType(), "Date the credential was issued."),
        Attribute(EXPIRY_ATTRIBUTE, DateType(), "Last day on which the letter is valid."),
    ),
    date_order=(("verified_date", "issuance_date"), ("issuance_date", EXPIRY_ATTRIBUTE)),
)
