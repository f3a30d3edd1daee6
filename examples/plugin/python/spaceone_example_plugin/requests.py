"""Request checks that real plugins make, so the runner is held to what SpaceONE sends."""
from spaceone.core.error import ERROR_REQUIRED_PARAMETER


def require(params, *keys):
    # Like the AWS collector's @check_required(["options", "secret_data", "filter"]): the key must be present,
    # an empty Struct is fine.
    for key in keys:
        if key not in params:
            raise ERROR_REQUIRED_PARAMETER(key=key)


def require_value(params, key):
    # Like the cost SDK's pydantic models, which reject an empty domain_id.
    if not params.get(key):
        raise ERROR_REQUIRED_PARAMETER(key=key)


def option_int(options, key, default):
    # Struct numbers arrive as floats.
    return int(options.get(key, default))
