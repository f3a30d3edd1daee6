"""The inventory example's records (see ../README.md for the counts they give)."""

REGIONS = ["ex-north-1", "ex-south-1"]
MATCH_KEYS = ["reference.resource_id", "provider", "cloud_service_type", "cloud_service_group", "account"]


def tasks():
    return [{"task_options": {"region_code": region}} for region in REGIONS]


def records(options, task_options):
    """The records of one sub-task (a region), in stream order."""
    account = options.get("account", "example-account")
    per_region = int(options.get("instances_per_region", 3))
    drop = int(options.get("drop_resources", 0))
    failures = int(options.get("fail_resources", 0))
    regions = [task_options["region_code"]] if task_options.get("region_code") else REGIONS

    yield {
        "state": "SUCCESS",
        "resource_type": "inventory.CloudServiceType",
        "match_rules": {"1": ["name", "group", "provider"]},
        "resource": {"name": "Instance", "group": "Compute", "provider": "example", "is_primary": True},
    }
    for region in regions:
        yield {
            "state": "SUCCESS",
            "resource_type": "inventory.Region",
            "match_rules": {"1": ["provider", "region_code"]},
            "resource": {"name": region, "region_code": region, "provider": "example"},
        }
        # drop_resources removes the last instances of the last region (the store example's third run).
        kept = per_region - drop if region == REGIONS[-1] else per_region
        for index in range(1, max(kept, 0) + 1):
            resource_id = f"{region}/i-{index:04d}"
            yield {
                "state": "SUCCESS",
                "resource_type": "inventory.CloudService",
                "match_rules": {"1": MATCH_KEYS},
                "resource": {
                    "name": f"instance-{index}",
                    "provider": "example",
                    "account": account,
                    "cloud_service_group": "Compute",
                    "cloud_service_type": "Instance",
                    "region_code": region,
                    "reference": {"resource_id": resource_id},
                    "data": {"index": index, "size": "small"},
                    "tags": {"example": "true"},
                },
            }
        for index in range(1, failures + 1):
            yield {
                "state": "FAILURE",
                "resource_type": "inventory.ErrorResource",
                "message": f"example failure {index} in {region}",
                "resource": {"resource_type": "inventory.CloudService", "provider": "example",
                             "cloud_service_group": "Compute", "resource_id": f"{region}/broken-{index}"},
            }
