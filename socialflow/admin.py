# The back office's admin (the moderation queue, the index counts) lives in socialflow.backoffice;
# autodiscover imports this module after every app's admin.py, since socialflow is installed last.
from socialflow.backoffice import admin  # noqa: F401
