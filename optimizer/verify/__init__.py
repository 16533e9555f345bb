"""``dockeropt verify``: prove a rewrite with real builds (size, layers, rebuild time, same runtime config)."""

from .builders import BuilderError, NoBuilder
from .report import VerifyReport
from .run import VerifyInputError, verify_dockerfile

__all__ = ["BuilderError", "NoBuilder", "VerifyInputError", "VerifyReport", "verify_dockerfile"]
