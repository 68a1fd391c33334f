"""contributions"""
