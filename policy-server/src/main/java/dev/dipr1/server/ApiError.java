package dev.dipr1.server;

/**
 * A request the server answers with an OpenAI error object ({@code {"error": {"message", "type",
 * "param", "code"}}}) instead of a result: the HTTP status, and the request field at fault when
 * there is one.
 */
final class ApiError extends Exception {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final String param;

    private ApiError(int status, String param, String message) {
        super(message);
        this.status = status;
        this.param = param;
    }

    /** 400: {@code param} of the request is missing or wrong; the message says how. */
    static ApiError badRequest(String param, String message) {
        return new ApiError(400, param, message);
    }

    /** 404: no such model or route. */
    static ApiError notFound(String param, String message) {
        return new ApiError(404, param, message);
    }

    /** 405: the route exists, the method does not. */
    static ApiError methodNotAllowed(String message) {
        return new ApiError(405, null, message);
    }

    /** 413: the body is larger than the server reads. */
    static ApiError tooLarge(String message) {
        return new ApiError(413, null, message);
    }

    /** 503: overloaded or stopping; try again later (or another server). */
    static ApiError unavailable(String message) {
        return new ApiError(503, null, message);
    }

    /** 500: the server failed. */
    static ApiError internal(String message) {
        return new ApiError(500, null, message);
    }

    int status() {
        return status;
    }

    /** The request field at fault, or null. */
    String param() {
        return param;
    }

    /** OpenAI's error types by status. */
    String type() {
        return switch (status) {
            case 400, 413 -> "invalid_request_error";
            case 404 -> "not_found_error";
            case 405 -> "method_not_allowed";
            case 503 -> "service_unavailable";
            default -> "internal_error";
        };
    }
}
