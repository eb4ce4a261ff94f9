"""Reproduce the zoo's weights: `python -m training.train <id>`."""
