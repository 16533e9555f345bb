"""The passes, in the order they run. Each module keeps its rationale, safety notes and examples."""

from . import apt_update_with_install
from .base import Example, Finding, Fix, Pass, Safety

# Order matters: apt-get before apt, -y and --no-install-recommends before the list cleanup that
# closes the RUN; each pass sees the text the previous passes left.
PASSES: tuple[Pass, ...] = (
    apt_update_with_install.PASS,
)

__all__ = ["PASSES", "Example", "Finding", "Fix", "Pass", "Safety"]
