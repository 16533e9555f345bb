"""dockeropt: an exact, safe Dockerfile optimizer.

``parse`` and ``optimize`` are loaded on first use, so ``dockeropt --version`` stays fast.
"""

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .model import Dockerfile, Instruction, parse
    from .pipeline import optimize

__version__ = "0.1.0"
__all__ = ["Dockerfile", "Instruction", "__version__", "optimize", "parse"]


def __getattr__(name: str) -> object:
    if name in ("Dockerfile", "Instruction", "parse"):
        from . import model

        return getattr(model, name)
    if name == "optimize":
        from .pipeline import optimize

        return optimize
    raise AttributeError(f"module 'optimizer' has no attribute {name!r}")
