"""Packaging the one thing pyproject.toml cannot say: the served WSDLs ship inside the package.

They live in the top-level `wsdl/` folder (DESIGN names it; tests and tools read it there),
and a wheel carries them as the data package `gateway.wsdl`, which `gateway/soap/documents.py`
reads with importlib.resources. `packages.find` cannot express a package whose folder sits
outside its parent, so the package list is completed here; everything else is in pyproject.toml.
"""

from setuptools import find_packages, setup

setup(
    packages=[*find_packages(include=["gateway*", "contract_tests*"]), "gateway.wsdl"],
    package_dir={"gateway.wsdl": "wsdl"},
)
