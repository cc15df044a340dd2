"""Ad serving: an in-process eligibility index (index.py) and the per-request choice (choose.py)."""
