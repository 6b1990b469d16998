"""Builds customflow._customflow, the C extension over libcustomflow.

Which libcustomflow it links (decided here, documented in README.md):

* by default the static archive the top-level Makefile builds
  (``build/libcustomflow.a``, made first if needed: its objects are
  position independent, so they link into a shared object), linked into the
  extension with its symbols kept private (``--exclude-libs``): the
  installed module needs no libcustomflow.so and cannot pick up another
  version of it at run time;
* with ``CUSTOMFLOW_LIBDIR=DIR``, ``-lcustomflow`` from DIR (the shared
  library of ``make install`` or of a distribution package), with
  ``CUSTOMFLOW_INCLUDE`` the directory of its ``customflow.h``;
* with ``CUSTOMFLOW_SAN=1``, the archive of ``make SAN=1``
  (``build-asan/libcustomflow.a``, AddressSanitizer +
  UndefinedBehaviorSanitizer) and the extension instrumented too (clang);
  the interpreter then needs the sanitizer runtime preloaded
  (python/tests/run.sh does it).

The extension includes only ``customflow.h``.
"""

import os
import shlex
import subprocess

import numpy
from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.environ.get("CUSTOMFLOW_ROOT", os.path.dirname(HERE))
LIBDIR = os.environ.get("CUSTOMFLOW_LIBDIR")
SAN = os.environ.get("CUSTOMFLOW_SAN") == "1"
SAN_FLAGS = ["-fsanitize=address,undefined", "-fno-sanitize-recover=all", "-fno-omit-frame-pointer"]
LIB_BUILD = "build-asan" if SAN else "build"
if SAN:  # the sanitizer runtime is clang's, as in `make SAN=1`
    os.environ.setdefault("CC", "clang")
    os.environ.setdefault("LDSHARED", "clang -shared")


def header_version():
    """The version customflow.h declares (CF_VERSION_MAJOR/MINOR/PATCH)."""
    header = os.path.join(os.environ.get("CUSTOMFLOW_INCLUDE", os.path.join(ROOT, "lib")), "customflow.h")
    parts = {}
    with open(header, encoding="utf-8") as f:
        for line in f:
            words = line.split()
            if len(words) == 3 and words[0] == "#define" and words[1].startswith("CF_VERSION_"):
                parts[words[1][len("CF_VERSION_"):]] = words[2]
    return "%s.%s.%s" % (parts.get("MAJOR", "0"), parts.get("MINOR", "0"), parts.get("PATCH", "0"))


def make_args():
    args = ["make", "-C", ROOT, "--no-print-directory", "BUILD=" + LIB_BUILD]
    return args + (["SAN=1"] if SAN else [])


def library_ldlibs():
    """The libraries libcustomflow needs, as the Makefile links them."""
    out = subprocess.run(
        make_args() + ["-s", "--eval", "cfpy-ldlibs: ; @echo $(LIB_LIBS)", "cfpy-ldlibs"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return shlex.split(out.strip().splitlines()[-1]) if out.strip() else []


class BuildWithLibrary(build_ext):
    """Builds the library's archive with the top-level Makefile first."""

    def run(self):
        ext = self.extensions[0]
        if not LIBDIR:
            jobs = os.environ.get("CUSTOMFLOW_JOBS", "2")
            subprocess.run(make_args() + ["-j" + jobs, LIB_BUILD + "/libcustomflow.a"], check=True)
            ext.extra_objects = [os.path.join(ROOT, LIB_BUILD, "libcustomflow.a")]
            ext.extra_link_args += ["-Wl,--exclude-libs,ALL"]
            for flag in library_ldlibs():
                if flag.startswith("-l"):
                    ext.libraries.append(flag[2:])
                elif flag.startswith("-L"):
                    ext.library_dirs.append(flag[2:])
                else:
                    ext.extra_link_args.append(flag)
        super().run()


def extension():
    include = [os.environ.get("CUSTOMFLOW_INCLUDE", os.path.join(ROOT, "lib")), numpy.get_include()]
    cflags = ["-std=c11", "-D_GNU_SOURCE", "-Wall", "-Wextra", "-Werror"]
    ext = Extension(
        "customflow._customflow",
        sources=sorted(
            os.path.join("src", f) for f in os.listdir(os.path.join(HERE, "src")) if f.endswith(".c")
        ),
        include_dirs=include,
        extra_compile_args=cflags + (SAN_FLAGS if SAN else []),
        extra_link_args=(SAN_FLAGS if SAN else []) + ["-pthread"],
    )
    if LIBDIR:
        ext.library_dirs = [LIBDIR]
        ext.libraries = ["customflow"]
        ext.runtime_library_dirs = [LIBDIR]
    return ext


setup(
    name="customflow",
    version=header_version(),
    description="Packet captures to custom flows (ML-ready per-device records), into pandas and numpy",
    packages=["customflow"],
    ext_modules=[extension()],
    cmdclass={"build_ext": BuildWithLibrary},
    python_requires=">=3.9",
    install_requires=[],
    zip_safe=False,
)
