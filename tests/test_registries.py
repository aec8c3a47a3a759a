"""Circuits and schemas are reached through registry objects: the built-ins from
package data, and a platform's own circuit files and schemas beside them."""

from __future__ import annotations

import gc
import shutil
from pathlib import Path

import pytest

import zkattest.circuits
import zkattest.schema
from zkattest.circuits import (
    CIRCUITS_DIR_ENV,
    DEFAULT_CIRCUITS,
    CircuitRegistry,
    get_circuit,
    load_circuit,
    parse_circuit,
)
from zkattest.errors import InvalidInputError, ZkAttestError
from zkattest.schema import (
    ACCREDITATION_V1,
    DEFAULT_SCHEMAS,
    EXPIRY_ATTRIBUTE,
    INVESTOR_V1,
    Attribute,
    AttributeType,
    BoolType,
    DateType,
    Schema,
    SchemaRegistry,
    UIntType,
    get_schema,
)

REPO_CIRCUITS = Path(__file__).resolve().parent.parent / "circuits"
BUILTIN_IDS = [
    "accredited_investor_506c",
    "accredited_investor_506c_verified",
    "kyc_adult",
    "qib_144a",
    "reg_s_non_us",
]

# A platform's own circuit, modelled on circuits/kyc_adult.toml: of age 21 or more.
KYC_ADULT_21 = """\
id = "kyc_adult_21"
version = 1
schema = "investor/v1"
description = "An identified adult of at least 21 (a platform's own circuit)."
disclose = []

[params.majority_age]
default = 21
min = 21
max = 25

[[predicate]]
attribute = "investor_type"
op = "=="
value = "individual"

[[predicate]]
attribute = "birth_date"
op = "<="
value = "today - {majority_age}y"

[[predicate]]
attribute = "kyc_level"
op = ">="
value = 2

[[predicate]]
attribute = "expiry_date"
op = ">="
value = "today"
"""

# A platform's own schema, and a circuit on it.
ACME_V1 = Schema(
    id="acme/v1",
    version=1,
    attributes=(
        Attribute("employee", BoolType(), "Works for Acme."),
        Attribute("grade", UIntType(bits=4), "Pay grade."),
        Attribute(EXPIRY_ATTRIBUTE, DateType(), "Last day the credential is valid."),
    ),
)
ACME_STAFF = """\
id = "acme_staff"
version = 1
schema = "acme/v1"
description = "Acme staff of grade 3 or more."

[[predicate]]
attribute = "employee"
op = "=="
value = true

[[predicate]]
attribute = "grade"
op = ">="
value = 3

[[predicate]]
attribute = "expiry_date"
op = ">="
value = "today"
"""


@pytest.fixture(autouse=True)
def _builtin_circuits(monkeypatch: pytest.MonkeyPatch) -> None:
    """The built-ins as shipped, whatever the environment says."""
    monkeypatch.delenv(CIRCUITS_DIR_ENV, raising=False)


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


# ---------------------------------------------------------------------------
# The default registries
# ---------------------------------------------------------------------------


def test_the_default_registries_hold_the_builtins() -> None:
    assert DEFAULT_CIRCUITS.ids() == BUILTIN_IDS
    assert sorted(DEFAULT_CIRCUITS.circuits()) == BUILTIN_IDS
    assert DEFAULT_SCHEMAS.ids() == ["accreditation/v1", "investor/v1"]
    assert DEFAULT_SCHEMAS.get("investor/v1") is INVESTOR_V1
    assert DEFAULT_SCHEMAS.get("accreditation/v1") is ACCREDITATION_V1
    assert DEFAULT_CIRCUITS.schemas is DEFAULT_SCHEMAS
    for circuit_id in BUILTIN_IDS:
        assert circuit_id in DEFAULT_CIRCUITS
        assert DEFAULT_CIRCUITS.get(circuit_id).schemas[0] is INVESTOR_V1
    assert "investor/v1" in DEFAULT_SCHEMAS
    assert "nope" not in DEFAULT_CIRCUITS
    assert 7 not in DEFAULT_SCHEMAS


def test_the_module_functions_are_the_default_registries() -> None:
    assert get_circuit("kyc_adult") == DEFAULT_CIRCUITS.get("kyc_adult")
    assert get_circuit("kyc_adult", params={"majority_age": 21}) == DEFAULT_CIRCUITS.get(
        "kyc_adult", params={"majority_age": 21}
    )
    assert zkattest.circuits.builtin_circuit_ids() == DEFAULT_CIRCUITS.ids()
    assert zkattest.circuits.load_builtin_circuits() == DEFAULT_CIRCUITS.circuits()
    assert get_schema("investor/v1") is DEFAULT_SCHEMAS.get("investor/v1")
    assert dict(zkattest.schema.SCHEMAS) == {
        "accreditation/v1": ACCREDITATION_V1,
        "investor/v1": INVESTOR_V1,
    }


def test_a_platform_registry_starts_from_the_builtins() -> None:
    registry = CircuitRegistry()
    assert registry.ids() == BUILTIN_IDS
    assert registry.get("qib_144a").circuit_hash == get_circuit("qib_144a").circuit_hash
    assert CircuitRegistry(builtins=False).ids() == []
    assert SchemaRegistry().ids() == ["accreditation/v1", "investor/v1"]
    assert SchemaRegistry(builtins=False).ids() == []


def test_the_default_registries_cannot_be_changed(tmp_path: Path) -> None:
    """A platform's circuits go in a registry of its own, so they never leak into
    every other user of the library."""
    path = _write(tmp_path, "kyc_adult_21.toml", KYC_ADULT_21)
    with pytest.raises(InvalidInputError, match=r"built-in circuits only; .*CircuitRegistry\(\)"):
        DEFAULT_CIRCUITS.add_file(path)
    with pytest.raises(InvalidInputError, match="built-in circuits only"):
        DEFAULT_CIRCUITS.add_directory(tmp_path)
    with pytest.raises(InvalidInputError, match=r"built-in schemas only; .*SchemaRegistry\(\)"):
        DEFAULT_SCHEMAS.register(ACME_V1)
    assert "kyc_adult_21" not in DEFAULT_CIRCUITS
    assert "acme/v1" not in DEFAULT_SCHEMAS


# ---------------------------------------------------------------------------
# A platform's own circuits
# ---------------------------------------------------------------------------


def test_a_platform_adds_its_own_circuit_file(tmp_path: Path) -> None:
    path = _write(tmp_path, "kyc_adult_21.toml", KYC_ADULT_21)
    registry = CircuitRegistry()
    added = registry.add_file(path)
    assert added.id == "kyc_adult_21"
    assert registry.ids() == sorted([*BUILTIN_IDS, "kyc_adult_21"])
    assert "kyc_adult_21" in registry
    circuit = registry.get("kyc_adult_21")
    assert circuit == added
    assert circuit.circuit_hash == parse_circuit(KYC_ADULT_21).circuit_hash
    assert circuit.circuit_hash == load_circuit(path).circuit_hash
    assert circuit.circuit_hash != get_circuit("kyc_adult").circuit_hash
    older = registry.get("kyc_adult_21", params={"majority_age": 25})
    assert older.param("majority_age") == 25
    assert older == parse_circuit(KYC_ADULT_21, params={"majority_age": 25})
    with pytest.raises(InvalidInputError, match="majority_age = 18 is outside its declared bounds"):
        registry.get("kyc_adult_21", params={"majority_age": 18})
    assert sorted(registry.circuits()) == registry.ids()
    # the default registry, and every other one, does not know it
    assert "kyc_adult_21" not in DEFAULT_CIRCUITS
    assert "kyc_adult_21" not in CircuitRegistry()
    with pytest.raises(InvalidInputError, match="unknown circuit 'kyc_adult_21'"):
        get_circuit("kyc_adult_21")


def test_an_added_circuit_is_the_file_as_it_was_added(tmp_path: Path) -> None:
    path = _write(tmp_path, "kyc_adult_21.toml", KYC_ADULT_21)
    registry = CircuitRegistry()
    before = registry.add_file(path).circuit_hash
    path.write_text(KYC_ADULT_21.replace("value = 2", "value = 3"), encoding="utf-8")
    assert registry.get("kyc_adult_21").circuit_hash == before


def test_a_duplicate_id_that_differs_is_refused(tmp_path: Path) -> None:
    registry = CircuitRegistry()
    registry.add_file(_write(tmp_path, "kyc_adult_21.toml", KYC_ADULT_21))
    stricter = _write(tmp_path, "other.toml", KYC_ADULT_21.replace("value = 2", "value = 3"))
    with pytest.raises(
        InvalidInputError, match=r"other\.toml: circuit kyc_adult_21 is already .*differs"
    ):
        registry.add_file(stricter)
    assert registry.get("kyc_adult_21").circuit_hash == parse_circuit(KYC_ADULT_21).circuit_hash
    # nor may a platform's file replace a built-in circuit
    shadow = (REPO_CIRCUITS / "kyc_adult.toml").read_text(encoding="utf-8")
    shadow = shadow.replace("value = 2", "value = 1")
    with pytest.raises(InvalidInputError, match=r"circuit kyc_adult is already .*differs"):
        registry.add_file(_write(tmp_path, "kyc_adult.toml", shadow))
    assert registry.get("kyc_adult") == get_circuit("kyc_adult")


def test_adding_the_same_circuit_again_is_harmless(tmp_path: Path) -> None:
    registry = CircuitRegistry()
    first = registry.add_file(_write(tmp_path, "kyc_adult_21.toml", KYC_ADULT_21))
    commented = _write(tmp_path, "copy.toml", "# the same circuit\n" + KYC_ADULT_21)
    assert registry.add_file(commented) == first
    assert registry.add_file(REPO_CIRCUITS / "kyc_adult.toml") == get_circuit("kyc_adult")
    assert registry.ids() == sorted([*BUILTIN_IDS, "kyc_adult_21"])


def test_a_platform_adds_a_directory(tmp_path: Path) -> None:
    _write(tmp_path, "kyc_adult_21.toml", KYC_ADULT_21)
    shutil.copy(REPO_CIRCUITS / "qib_144a.toml", tmp_path)
    registry = CircuitRegistry(builtins=False)
    added = registry.add_directory(tmp_path)
    assert sorted(added) == ["kyc_adult_21", "qib_144a"]
    assert registry.ids() == ["kyc_adult_21", "qib_144a"]
    assert registry.get("qib_144a") == get_circuit("qib_144a")
    with pytest.raises(InvalidInputError, match="unknown circuit 'kyc_adult'; known: kyc_adult_21"):
        registry.get("kyc_adult")


def test_a_directory_is_added_whole_or_not_at_all(tmp_path: Path) -> None:
    _write(tmp_path, "kyc_adult_21.toml", KYC_ADULT_21)
    _write(tmp_path, "misnamed.toml", KYC_ADULT_21.replace("kyc_adult_21", "kyc_adult_22"))
    registry = CircuitRegistry()
    with pytest.raises(InvalidInputError, match="defines circuit kyc_adult_22; name it"):
        registry.add_directory(tmp_path)
    assert registry.ids() == BUILTIN_IDS
    with pytest.raises(InvalidInputError, match="no such circuits directory"):
        registry.add_directory(tmp_path / "nowhere")


def test_a_bad_circuit_file_is_refused_with_its_name(tmp_path: Path) -> None:
    registry = CircuitRegistry()
    with pytest.raises(InvalidInputError, match=r"absent\.toml: cannot read circuit"):
        registry.add_file(tmp_path / "absent.toml")
    bad = _write(tmp_path, "bad.toml", KYC_ADULT_21.replace('"kyc_adult_21"', '"Bad Id"'))
    with pytest.raises(InvalidInputError, match=r"bad\.toml: .*must match"):
        registry.add_file(bad)
    assert registry.ids() == BUILTIN_IDS


def test_an_unknown_id_is_a_clear_error() -> None:
    registry = CircuitRegistry()
    with pytest.raises(InvalidInputError, match="unknown circuit 'nope'; known: accredited") as exc:
        registry.get("nope")
    assert isinstance(exc.value, ZkAttestError)
    with pytest.raises(InvalidInputError, match="unknown circuit 'nope'; known: none"):
        CircuitRegistry(builtins=False).get("nope")
    with pytest.raises(InvalidInputError, match="bad circuit id"):
        registry.get("../kyc_adult")
    with pytest.raises(
        InvalidInputError, match="unknown schema 'acme/v1'; known: accreditation/v1, investor/v1"
    ):
        SchemaRegistry().get("acme/v1")
    with pytest.raises(InvalidInputError, match="unknown schema 'investor/v1'; known: none"):
        SchemaRegistry(builtins=False).get("investor/v1")


# ---------------------------------------------------------------------------
# Schemas
# ---------------------------------------------------------------------------


def test_a_schema_registry_refuses_another_schema_under_a_taken_id() -> None:
    schemas = SchemaRegistry()
    other = Schema(
        id="investor/v1",
        version=1,
        attributes=(Attribute(EXPIRY_ATTRIBUTE, DateType(), "Last valid day."),),
    )
    with pytest.raises(InvalidInputError, match="schema investor/v1 is already registered"):
        schemas.register(other)
    assert schemas.get("investor/v1") is INVESTOR_V1
    assert schemas.register(INVESTOR_V1) is INVESTOR_V1  # the same schema again: harmless
    with pytest.raises(InvalidInputError, match="not a Schema"):
        schemas.register("investor/v1")  # type: ignore[arg-type]


def test_circuits_resolve_their_schema_through_the_registry(tmp_path: Path) -> None:
    schemas = SchemaRegistry()
    assert schemas.register(ACME_V1) is ACME_V1
    assert schemas.ids() == ["accreditation/v1", "acme/v1", "investor/v1"]
    path = _write(tmp_path, "acme_staff.toml", ACME_STAFF)
    registry = CircuitRegistry(schemas=schemas)
    assert registry.schemas is schemas
    assert registry.add_file(path).schema is ACME_V1
    assert registry.get("acme_staff").schema is ACME_V1
    assert registry.get("kyc_adult").schema is INVESTOR_V1
    assert parse_circuit(ACME_STAFF, schemas=schemas).schema is ACME_V1
    assert load_circuit(path, schemas=schemas).schema is ACME_V1
    # the default schemas do not know acme/v1, nor does a registry built on them
    with pytest.raises(InvalidInputError, match="unknown schema 'acme/v1'"):
        parse_circuit(ACME_STAFF)
    with pytest.raises(InvalidInputError, match="unknown schema 'acme/v1'"):
        CircuitRegistry().add_file(path)
    with pytest.raises(InvalidInputError, match="schemas must be a SchemaRegistry"):
        CircuitRegistry(schemas={"acme/v1": ACME_V1})  # type: ignore[arg-type]
    # built-in circuits need the built-in schema
    with pytest.raises(InvalidInputError, match="unknown schema 'investor/v1'"):
        CircuitRegistry(schemas=SchemaRegistry(builtins=False)).get("kyc_adult")


# ---------------------------------------------------------------------------
# Operators: declared by each attribute type, checked by the circuit loader
# ---------------------------------------------------------------------------


def test_an_operator_the_attribute_type_does_not_declare_is_refused() -> None:
    text = KYC_ADULT_21.replace('op = "=="\nvalue = "individual"', 'op = ">="\nvalue = "entity"')
    with pytest.raises(
        InvalidInputError,
        match=r"'>=' does not apply to investor_type \(enum\); use one of ==, !=, in, not_in",
    ):
        parse_circuit(text)


def test_the_types_operators_are_what_the_loader_checks(monkeypatch: pytest.MonkeyPatch) -> None:
    """No other list of operators per type: narrow a type's own and the loader follows."""
    licensed = (
        KYC_ADULT_21 + '\n[[predicate]]\nattribute = "licence_series_7"\nop = "!="\nvalue = false\n'
    )
    assert parse_circuit(licensed).predicates
    monkeypatch.setattr(BoolType, "operators", ("==",))
    with pytest.raises(
        InvalidInputError, match=r"'!=' does not apply to licence_series_7 \(bool\); use one of ==$"
    ):
        parse_circuit(licensed)


def test_orderable_follows_the_declared_operators() -> None:
    class Ranked(AttributeType):
        kind = "ranked"
        operators = (">=", "<=", "between", "==")

    class Tagged(AttributeType):
        kind = "tagged"
        operators = ("==", "in")

    try:
        assert Ranked.orderable is True
        assert Tagged.orderable is False
    finally:
        # AttributeType.__subclasses__() is read as the list of attribute kinds:
        # leave no stray kind behind.
        del Ranked, Tagged
        gc.collect()
    kinds = {kind.kind for kind in AttributeType.__subclasses__()}
    assert kinds == {"uint", "date", "enum", "bool", "text"}


# ---------------------------------------------------------------------------
# The packages' surfaces
# ---------------------------------------------------------------------------

# Every name the single modules zkattest/circuits.py and zkattest/schema.py
# exported before they became packages.
CIRCUITS_NAMES = [
    "CIRCUITS_DIR_ENV",
    "DATE_RANGE_BITS",
    "MAX_CREDENTIALS",
    "OPERATORS",
    "RANGE_BITS",
    "SINGLE_CREDENTIAL",
    "Circuit",
    "CredentialSpec",
    "Operand",
    "Predicate",
    "PredicateValue",
    "RelativeDate",
    "ResolvedPredicate",
    "builtin_circuit_ids",
    "circuits_dir",
    "get_circuit",
    "load_builtin_circuits",
    "load_circuit",
    "load_circuits",
    "parse_circuit",
    "range_bits",
]
SCHEMA_NAMES = [
    "DATE_BITS",
    "DATE_EPOCH",
    "EXPIRY_ATTRIBUTE",
    "INVESTOR_V1",
    "ISO_3166_1_NUMERIC",
    "SCHEMAS",
    "TYPED_INTERFACE_ID",
    "Attribute",
    "AttributeType",
    "BoolType",
    "DateType",
    "EnumType",
    "JsonValue",
    "Schema",
    "TextType",
    "UIntType",
    "canonical_json",
    "get_schema",
    "text_to_scalar_dst",
    "typed_api_id",
]


def test_the_packages_export_what_the_modules_did_and_the_registries() -> None:
    assert sorted(zkattest.circuits.__all__) == sorted(
        [*CIRCUITS_NAMES, "DEFAULT_CIRCUITS", "CircuitRegistry"]
    )
    assert sorted(zkattest.schema.__all__) == sorted(
        [*SCHEMA_NAMES, "ACCREDITATION_V1", "DEFAULT_SCHEMAS", "SchemaRegistry"]
    )
    for package in (zkattest.circuits, zkattest.schema):
        for name in package.__all__:
            assert hasattr(package, name), f"{package.__name__}.{name}"


def test_parameters_must_be_a_mapping() -> None:
    with pytest.raises(InvalidInputError, match="mapping of name to integer"):
        DEFAULT_CIRCUITS.get("kyc_adult", params="x")  # type: ignore[arg-type]
