"""The one thing pyproject.toml cannot say: the optional C speed-up of lots.

``emulation_rules._digest`` computes the BLAKE2b digests a lot draws by, for many
ids at once. It is optional: without a C compiler the build goes on and the library
computes the same digests with :mod:`hashlib`.
"""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "emulation_rules._digest",
            sources=["src/emulation_rules/_digest.c"],
            optional=True,
        )
    ]
)
