# syntax=docker/dockerfile:1
# The ledger's image: one console command, `oar-ledger`, for every service.
# Two stages: `build` installs the locked dependencies (requirements.lock: every version
# pinned, every file hash checked) and the ledger into a virtual environment; `runtime`
# copies only that environment onto the same pinned base and runs it as a non-root user.
# The base image is pinned by version and digest (see README, production: refresh digests).
ARG PYTHON_IMAGE=python:3.11.13-slim-bookworm@sha256:86adf8dbadc3d6e82ee5dd2c74bec2e1c2467cdad47886280501df722372d2e1

FROM ${PYTHON_IMAGE} AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1 PYTHONDONTWRITEBYTECODE=1
WORKDIR /src
COPY requirements.lock ./
RUN python -m venv /opt/venv \
    && /opt/venv/bin/pip install --require-hashes --no-deps -r requirements.lock
COPY . .
RUN /opt/venv/bin/pip install --no-deps . \
    && /opt/venv/bin/python -m compileall -q /opt/venv/lib

FROM ${PYTHON_IMAGE} AS runtime
LABEL org.opencontainers.image.title="oar-ledger" \
      org.opencontainers.image.licenses="Apache-2.0"
# The folders the services write to exist in the image, owned by the ledger's user: a named
# volume mounted on them starts with this owner, so `keys init` can write as uid 10001.
RUN groupadd --gid 10001 ledger \
    && useradd --uid 10001 --gid 10001 --no-create-home --home-dir /var/lib/oar --shell /usr/sbin/nologin ledger \
    && install -d -o 10001 -g 10001 -m 0700 /keys \
    && install -d -o 10001 -g 10001 -m 0750 /var/lib/oar /out /witness /exchange \
    && install -d -o 10001 -g 10001 -m 0700 /var/lib/oar/keys \
    && install -d -o 10001 -g 10001 -m 0755 /pub
COPY --from=build /opt/venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    OAR_VAR_DIR=/var/lib/oar \
    OAR_SIGNING_KEY_PATH=/keys/ledger-signing.key \
    OAR_LOG_FORMAT=json
WORKDIR /var/lib/oar
USER 10001:10001
ENTRYPOINT ["oar-ledger"]
CMD ["--help"]
