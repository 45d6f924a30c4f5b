# syntax=docker/dockerfile:1
# The Pennywise API image: the wheel, its runtime dependencies, nothing else.
#
#   docker build -t pennywise .
#   docker run --rm --env-file .env pennywise pennywise db upgrade   # once per release
#   docker run --env-file .env -p 8000:8000 pennywise                # the API
#
# Migrations are a one-shot command run before the new release serves (compose.yaml's
# `migrate` service, Render's preDeployCommand, Railway's preDeployCommand): never on
# every worker start. Not built on the development machines (no Docker engine there);
# `nox -s image_rehearsal` runs the same steps in a venv instead (see README.md).

ARG PYTHON_IMAGE=python:3.11-slim-bookworm

# --- 1. build the wheel ----------------------------------------------------------------
FROM ${PYTHON_IMAGE} AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY migrations/ migrations/
COPY pennywise_core/ pennywise_core/
COPY pennywise_api/ pennywise_api/
COPY pennywise_client/ pennywise_client/
COPY pennywise_cli/ pennywise_cli/
# The build backend (hatchling, as pyproject.toml's [build-system] pins it) comes in an
# isolated build environment; --no-deps: only Pennywise's own wheel is built here.
RUN python -m pip wheel --no-cache-dir --no-deps --wheel-dir /dist .

# --- 2. the runtime: the wheel installed, no dev dependencies, no build tools -----------
FROM ${PYTHON_IMAGE} AS runtime
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
RUN groupadd --system --gid 10001 pennywise \
    && useradd --system --uid 10001 --gid pennywise --create-home \
        --home-dir /home/pennywise --shell /usr/sbin/nologin pennywise
COPY --from=build /dist/ /tmp/dist/
RUN python -m pip install --no-cache-dir /tmp/dist/pennywise-*.whl && rm -rf /tmp/dist

# What `pennywise serve` reads (see pennywise_cli/commands/serve.py); override any with -e.
# PENNYWISE_DATABASE_URL and PENNYWISE_JWT_SECRET come from the deployment, never the image:
# production refuses to start without a strong secret.
ENV PENNYWISE_ENVIRONMENT=production \
    PENNYWISE_HOST=0.0.0.0 \
    PENNYWISE_PORT=8000 \
    PENNYWISE_WORKERS=2

USER 10001:10001
WORKDIR /home/pennywise
EXPOSE 8000

# Liveness from inside the container with what the slim image has: Python's urllib (an
# answer other than 2xx, or none within the timeout, raises and exits non-zero).
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request as u; u.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('PENNYWISE_PORT', '8000'), timeout=4)"]

# Exec form: `pennywise` is PID 1 and gets SIGTERM itself; uvicorn then finishes in-flight
# requests (timeout_graceful_shutdown) before the workers exit.
CMD ["pennywise", "serve"]
