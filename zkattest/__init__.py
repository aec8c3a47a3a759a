"""zkattest: zero-knowledge investor-eligibility attestation."""
