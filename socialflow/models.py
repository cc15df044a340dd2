# The project package has no models. The module exists so Django sends this app's post_migrate signal,
# on which the staff groups are synced (see socialflow/apps.py).
