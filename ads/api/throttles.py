from django.conf import settings

from core.throttling import ScopedThrottle


class AdsServeThrottle(ScopedThrottle):
    scope = "ads_serve"

    def get_rate(self):
        return settings.ADS_SERVE_RATE


class AdsEventThrottle(ScopedThrottle):
    scope = "ads_event"

    def get_rate(self):
        return settings.ADS_EVENT_RATE
