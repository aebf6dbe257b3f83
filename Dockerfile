FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md alembic.ini ./
COPY src ./src
COPY migrations ./migrations
COPY templates ./templates
COPY slack-manifest.yml ./

RUN pip install --no-cache-dir -e '.[postgres]'
EXPOSE 3000
CMD ["warroom", "serve", "--port", "3000"]
