"""Wire-level emulator of Alibaba Cloud Security Center (Sas, API 2018-12-03).

Pure standard library. Layout follows moto: ``backend`` (state and behaviour), ``responses``
(wire format), ``exceptions`` (the service's error codes), plus ``signing`` (ACS3 verification),
``dataset`` (deterministic data), ``server`` (HTTP, faults, request log), ``chaos`` (chaos at a
rate, seeded), ``arrivals`` (alerts arriving while it runs), ``values`` (JSON value checks) and
``testing`` (start/stop helper for tests). Run ``python -m sas_emulator --help``.
"""

__all__ = ["__version__"]
__version__ = "1.0.0"
