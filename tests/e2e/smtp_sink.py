"""A real SMTP server for the tests (Debian's python3-aiosmtpd): every
message it receives is written to DIR as <n>.eml.

    python3 smtp_sink.py PORT DIR
"""
import pathlib
import sys
import time

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, directory):
        self.dir = pathlib.Path(directory)
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        data = envelope.original_content or envelope.content
        (self.dir / f"{self.count:04d}.eml").write_bytes(data)
        (self.dir / f"{self.count:04d}.rcpt").write_text("\n".join(envelope.rcpt_tos))
        return "250 OK"


def main():
    port, directory = int(sys.argv[1]), sys.argv[2]
    controller = Controller(Sink(directory), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        while True:
            time.sleep(3600)
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
