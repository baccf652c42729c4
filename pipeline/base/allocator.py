"""C memory that a command frees stays with the process for its next batch (glibc's allocator).

glibc gives an allocation above its mmap threshold (128 KiB at first, raised up to 32 MiB as such
blocks are freed) pages of its own, unmapped again when it is freed, and returns the free top of
the heap to the system once it exceeds the trim threshold. A run allocates and frees the same
large blocks over and over: the recogniser's arrays for every batch of documents (megabytes each),
the words a memory zone frees after each batch (:func:`pipeline.engines.batch._zone`). Each
time they come back, the system maps them afresh and faults every page in: measured on
``python -m pipeline run`` over performance.py's 200,000 words (one process), 275,000 page faults
and 1.6 s of system CPU, against 205,000 and 1.0 s with the thresholds below (peak RSS 1,165 ->
1,180 MB). :func:`keep_freed_memory` sets them once per command process (forked pool workers
inherit them). Elsewhere (macOS, musl) it does nothing: those allocators have their own policies.
"""

from __future__ import annotations

import ctypes
import platform

#: mallopt parameters (glibc's malloc.h).
M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3
#: Blocks up to this size come from the heap, not from mappings of their own (glibc's own
#: ceiling for the threshold it adjusts by itself on 64-bit systems).
MMAP_THRESHOLD = 32 * 1024 * 1024
#: Free memory at the top of the heap kept for the next batch, up to this much.
TRIM_THRESHOLD = 64 * 1024 * 1024


def keep_freed_memory() -> bool:
    """Set glibc's mmap and trim thresholds (see the module docstring); True where they were set."""
    if platform.system() != "Linux" or platform.libc_ver()[0] != "glibc":
        return False
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return False
    # mallopt returns 1 on success, 0 on error (a value out of range leaves the setting as it was).
    return bool(libc.mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD)) and bool(libc.mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD))
