# The ledger's image: one console command, `oar-ledger`, for every service.
FROM python:3.11-slim
WORKDIR /app
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
COPY pyproject.toml README.md ./
COPY domain ./domain
COPY projections ./projections
COPY consumers ./consumers
COPY infra ./infra
COPY contracts ./contracts
RUN pip install --no-cache-dir . \
    && useradd --create-home --uid 10001 ledger
USER ledger
ENTRYPOINT ["oar-ledger"]
CMD ["--help"]
