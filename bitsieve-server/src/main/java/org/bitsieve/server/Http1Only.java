package org.bitsieve.server;

import org.eclipse.jetty.http.BadMessageException;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpChannelOverHttp;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnection;
import org.eclipse.jetty.server.HttpConnectionFactory;

/**
 * Jetty's HTTP/1.1 connection factory, except that a request the parser refuses with a 5xx status (HTTP/0.9 and
 * unknown versions get 505) is answered 400 instead: a malformed request is the client's fault, and the server
 * promises no 5xx for any input. The body is still the JSON error of {@code JsonErrorHandler}.
 */
final class Http1Only extends HttpConnectionFactory {
    Http1Only(HttpConfiguration config) {
        super(config);
    }

    @Override
    public Connection newConnection(Connector connector, EndPoint endPoint) {
        HttpConnection c = new HttpConnection(getHttpConfiguration(), connector, endPoint, isRecordHttpComplianceViolations()) {
            @Override
            protected HttpChannelOverHttp newHttpChannel() {
                return new HttpChannelOverHttp(this, getConnector(), getHttpConfiguration(), getEndPoint(), this) {
                    @Override
                    public void badMessage(BadMessageException failure) {
                        if (failure.getCode() >= 500) {
                            failure = new BadMessageException(400, "unsupported HTTP version or request line ("
                                    + failure.getReason() + "); send HTTP/1.1", failure);
                        }
                        super.badMessage(failure);
                    }
                };
            }
        };
        c.setUseInputDirectByteBuffers(isUseInputDirectByteBuffers());
        c.setUseOutputDirectByteBuffers(isUseOutputDirectByteBuffers());
        return configure(c, connector, endPoint);
    }
}
