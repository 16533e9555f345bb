"""dockeropt: an exact, safe Dockerfile optimizer."""

from .model import Dockerfile, Instruction, parse

__version__ = "0.1.0"
__all__ = ["Dockerfile", "Instruction", "__version__", "parse"]
