"""Minimal, readable PyTorch implementations of diffusion methods (teaching code)."""
