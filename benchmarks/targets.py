"""What the platform must reach on this 2-core machine, load generator included (issue 8)."""

GATEWAY_ACCEPTS_PER_SECOND = 1000
GATEWAY_P99_MS = 50
PIPELINE_KEEPS_UP_PER_SECOND = 500
END_TO_END_RATE = 200
END_TO_END_P99_MS = 500
SERVICE_RSS_MB = 100
# A pipeline keeps up when it completes ideas at no less than this share of the rate they arrive.
KEEPS_UP_SHARE = 0.95
