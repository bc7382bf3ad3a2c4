"""Named setups and many-run studies: presets, lesson links, comparisons, mode-collapse studies, uploads."""
