"""Every pass, in the order they run (imports them all: a run imports only those ``index`` selects)."""

from . import (apk_no_cache, apt_assume_yes, apt_clean_lists, apt_get_over_apt,
               apt_no_install_recommends, apt_update_with_install, dnf_yum_clean, pip_no_cache_dir)
from . import dockerignore
from . import npm_ci
from . import maintainer_label
from . import exec_form
from . import add_url_archive
from . import copy_after_dependencies
from . import manifests_first_langs
from . import dependency_manifests_first
from . import copy_narrow
from . import java_multi_stage
from . import go_multi_stage
from . import python_multi_stage
from . import node_multi_stage
from . import base_image
from . import non_root_user
from . import merge_runs
from . import cache_mounts
from .base import Pass

# Order matters: apt-get before apt, -y and --no-install-recommends before the list cleanup that
# closes the RUN; RUNs are merged only after the passes that move them (DO201 cannot move a merged
# RUN's independent part above a COPY); each pass sees the text the previous passes left.
PASSES: tuple[Pass, ...] = (
    apt_update_with_install.PASS,
    apt_get_over_apt.PASS,
    apt_assume_yes.PASS,
    apt_no_install_recommends.PASS,
    apt_clean_lists.PASS,
    apk_no_cache.PASS,
    pip_no_cache_dir.PASS,
    dnf_yum_clean.PASS,
    npm_ci.PASS,
    maintainer_label.PASS,
    exec_form.PASS,
    add_url_archive.PASS,
    manifests_first_langs.PASS,
    dependency_manifests_first.PASS,
    copy_after_dependencies.PASS,
    copy_narrow.PASS,
    dockerignore.PASS,
    merge_runs.PASS,
    cache_mounts.PASS,
    java_multi_stage.PASS,
    go_multi_stage.PASS,
    python_multi_stage.PASS,
    node_multi_stage.PASS,
    base_image.PASS,
    non_root_user.PASS,
)

__all__ = ["PASSES"]
