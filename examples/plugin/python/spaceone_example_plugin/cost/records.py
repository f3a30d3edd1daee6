"""The cost example's plan and rows (see ../README.md for the counts they give)."""

DEFAULT_START = "2026-01"


def months(start, count):
    year, month = (int(part) for part in start[:7].split("-"))
    for _ in range(count):
        yield f"{year:04d}-{month:02d}"
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def plan(options, start):
    """get_tasks: one task per month from `start` (YYYY-MM..., else 2026-01), options.months of them (3)."""
    account = options.get("account", "example-account")
    chosen = list(months(start or DEFAULT_START, int(options.get("months", 3))))
    return {
        "tasks": [{"task_options": {"month": month, "account": account},
                   "task_changed": {"start": month, "end": month}} for month in chosen],
        "changed": [{"start": chosen[0]}] if chosen else [],
        "synced_accounts": [{"account_id": account}],
    }


def messages(options, task_options):
    """get_data: options.rows_per_task rows (4) in messages of two, then an empty message."""
    month = task_options.get("month", DEFAULT_START)
    rows = int(options.get("rows_per_task", 4))
    missing_billed_date = bool(options.get("missing_billed_date", False))
    batch = []
    for index in range(1, rows + 1):
        row = {
            "cost": 1.25 * index,
            "usage_quantity": float(index),
            "usage_unit": "Hours",
            "provider": "example",
            "region_code": "ex-north-1",
            "product": "Compute",
            "usage_type": "instance-hours",
            "resource": f"ex-north-1/i-{index:04d}",
            "tags": {"example": "true"},
            "billed_date": f"{month}-{min(index, 28):02d}",
        }
        if missing_billed_date and index == rows:
            del row["billed_date"]
        batch.append(row)
        if len(batch) == 2:
            yield {"results": batch}
            batch = []
    if batch:
        yield {"results": batch}
    yield {"results": []}
