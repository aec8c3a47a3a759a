"""zkattest verifier service: challenges, verification, whitelist admission, receipts."""
