"""The static documentation site (``aiworkforce docs``, also part of ``release``) and its redirect rules."""
