# Multi-stage build: wheels are built in one stage, the runtime image carries no compiler.
FROM python:3.11-slim-bookworm AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN apt-get update && apt-get install -y --no-install-recommends build-essential libpq-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /build
COPY requirements.txt .
RUN pip wheel --wheel-dir /wheels -r requirements.txt

FROM python:3.11-slim-bookworm AS runtime
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    DJANGO_SETTINGS_MODULE=socialflow.settings
# ffmpeg for the media workers; curl for the health check.
RUN apt-get update && apt-get install -y --no-install-recommends ffmpeg libpq5 curl \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system app && useradd --system --gid app --home /app app
COPY --from=build /wheels /wheels
RUN pip install --no-index --find-links /wheels /wheels/* && rm -rf /wheels
WORKDIR /app
COPY --chown=app:app . .
# collectstatic needs settings that import cleanly; these build-time values are never used at runtime.
RUN SECRET_KEY=build-only FIELD_ENCRYPTION_KEY=build-only DATABASE_URL=sqlite:////tmp/build.sqlite3 \
    python manage.py collectstatic --noinput
USER app
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
    CMD curl -fsS http://127.0.0.1:8000/healthz || exit 1
# HTTP under gunicorn (sync Django views are several times faster under WSGI than ASGI);
# the websocket service overrides the command with daphne (see docker-compose.yml).
CMD ["gunicorn", "socialflow.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "4", \
     "--threads", "2", "--access-logfile", "-", "--timeout", "30"]
