"""The kernel: messages, errors, ids, clock and the message bus. Pure, no I/O."""
