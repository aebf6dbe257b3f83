"""A TCP proxy in front of the database that a test can cut and restore, to make the
database unreachable the way a network partition does, or hang, to make it a database that
accepts connections and then answers nothing."""

import contextlib
import socket
import threading


class TcpProxy:
    def __init__(self, target_host: str, target_port: int):
        self.target = (target_host, target_port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.open = True
        self.flowing = threading.Event()  # cleared: bytes are taken in and held
        self.flowing.set()
        self.connections: list[socket.socket] = []
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if not self.open:
                client.close()
                continue
            upstream = socket.create_connection(self.target)
            with self.lock:
                self.connections += [client, upstream]
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(source, sink), daemon=True).start()

    def _pipe(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                self.flowing.wait()
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for end in (source, sink):
                end.close()

    def cut(self) -> None:
        """Drop every connection and refuse new ones."""
        self.open = False
        with self.lock:
            for connection in self.connections:
                with contextlib.suppress(OSError):
                    connection.shutdown(socket.SHUT_RDWR)
                connection.close()
            self.connections.clear()

    def restore(self) -> None:
        self.open = True

    def hang(self) -> None:
        """Keep accepting connections and bytes, and pass nothing on either way."""
        self.flowing.clear()

    def unhang(self) -> None:
        """Pass on what was held, and everything after."""
        self.flowing.set()

    def close(self) -> None:
        self.unhang()
        self.cut()
        self.listener.close()
