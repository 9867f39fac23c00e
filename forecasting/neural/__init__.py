"""The forecasting transformer: its network, the corpus it is pretrained on, and training."""
