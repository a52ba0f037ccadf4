# One image for every upc part; docker-compose.yml picks the part with `command`.
FROM python:3.11-slim
# WeasyPrint (the letters' PDFs) needs Pango and a font, from Debian.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --create-home --uid 10001 upc
WORKDIR /app
COPY pyproject.toml README.md ./
COPY domain ./domain
COPY workflows ./workflows
COPY api ./api
COPY projections ./projections
COPY letters ./letters
COPY upc ./upc
RUN pip install --no-cache-dir .
USER upc
ENV UPC_HOST=0.0.0.0 UPC_PORT=8000 UPC_DATA_DIR=/home/upc/data
EXPOSE 8000
ENTRYPOINT ["upc"]
CMD ["api"]
