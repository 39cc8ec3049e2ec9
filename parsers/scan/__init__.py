"""Scans and photographs: pages from images and text-less PDFs, our QR codes, the signature
check and OCR (see each module)."""
