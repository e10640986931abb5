"""Pure builders of Block Kit: domain models in, `slack_sdk.models` objects out."""
