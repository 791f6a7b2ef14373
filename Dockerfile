# The service image for deployers (docker-compose.yml). Not built in CI here: no Docker engine.
FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
# the Chinese font embedded in the A4 notice PDFs (docs/printing.md)
RUN apt-get update && apt-get install -y --no-install-recommends fonts-wqy-zenhei \
    && rm -rf /var/lib/apt/lists/*
COPY pyproject.toml requirements.lock README.md ./
COPY publisher ./publisher
COPY feeds ./feeds
COPY consultation ./consultation
RUN pip install --no-cache-dir -c requirements.lock .
COPY datasets ./datasets
RUN useradd --system --home /app publisher && mkdir -p /app/var && chown publisher /app/var
USER publisher
EXPOSE 8000
# `serve` refuses a schema not at head: run `publisher db upgrade` once first (compose's
# `migrate` service does); workers: PUBLISHER_WORKERS (docs/deploy.md)
CMD ["publisher", "serve", "--host", "0.0.0.0", "--port", "8000"]
