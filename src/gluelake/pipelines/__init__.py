"""The three stages. Each is ``read -> transform -> gate -> write``; every arrow has one
home: ``io`` reads and writes, ``transforms`` transform, ``quality`` gates."""
