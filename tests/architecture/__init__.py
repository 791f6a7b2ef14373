"""Tests of the shape of the code and of what it promises everywhere at once."""
