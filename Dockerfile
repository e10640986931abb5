# bookeo-bot: two stages. The first builds wheels of exactly the versions in uv.lock (and of
# the bot); the second installs only those wheels, runs as a fixed non-root user and keeps
# SQLite on the /data volume. Build: docker build -t bookeo-bot .
FROM python:3.11.11-slim-bookworm AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PYTHONDONTWRITEBYTECODE=1
WORKDIR /src
RUN pip install --no-cache-dir uv==0.13.9
COPY pyproject.toml uv.lock README.md manifest.yml ./
COPY bot ./bot
RUN uv export --locked --no-dev --no-emit-project --extra postgres --format requirements-txt \
        -o requirements.txt \
 && pip wheel --no-cache-dir --wheel-dir /wheels -r requirements.txt \
 && pip wheel --no-cache-dir --no-deps --wheel-dir /wheels .

FROM python:3.11.11-slim-bookworm
LABEL org.opencontainers.image.title="bookeo-bot" \
      org.opencontainers.image.description="Slack chat-ops for Bookeo" \
      org.opencontainers.image.licenses="MIT"
ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    LOG_FORMAT=json \
    DATABASE_URL=sqlite:////data/bookeo-bot.db \
    PORT=3000
RUN useradd --uid 10001 --user-group --create-home --home-dir /home/bot bot \
 && mkdir /data && chown 10001:10001 /data
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir --no-index --find-links /wheels "bookeo-bot[postgres]" \
 && rm -rf /wheels
USER 10001:10001
WORKDIR /home/bot
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('PORT', '3000'), timeout=4)"]
# uvicorn stops taking requests on SIGTERM; the app then stops the relay worker, waits for
# work in flight, and closes Socket Mode, Bookeo and the database, in that order.
STOPSIGNAL SIGTERM
ENTRYPOINT ["bookeo-bot"]
CMD ["serve"]
