"""Customer pages of commerce, one module per area (cart, wishlist; checkout and orders later)."""
