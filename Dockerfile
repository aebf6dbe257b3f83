# warroom's image: the wheel built from this repository, installed (not editable) into a
# slim Python, run as an unprivileged user. Migrations, templates and the Slack manifest
# ship inside the wheel.
FROM python:3.11-slim AS build
WORKDIR /src
COPY . .
RUN pip wheel --no-cache-dir --wheel-dir /wheels '.[postgres]'

FROM python:3.11-slim
RUN useradd --create-home --uid 10001 warroom
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir --no-index --find-links /wheels 'warroom[postgres]' \
    && rm -rf /wheels
USER warroom
WORKDIR /home/warroom
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:3000/healthz', timeout=2)"]
CMD ["warroom", "serve", "--port", "3000"]
