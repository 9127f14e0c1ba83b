package dev.stepconnect.connection;

import dev.stepconnect.aws.AwsErrors;
import dev.stepconnect.cfn.RequestRefusedException;
import dev.stepconnect.cfn.StackCheckException;
import dev.stepconnect.credentials.InvalidCredentialException;
import dev.stepconnect.eventbridge.ConnectionNotReadyException;
import dev.stepconnect.eventbridge.ConnectionRequestException;
import dev.stepconnect.log.Redaction;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * What a failed {@code Custom::EventBridgeConnection} request means: how it reads as a CloudFormation
 * Reason (never a stack trace or a secret), and whether a rollback Update may keep the connection as it
 * is instead of failing. The one mapping from failure types to dispositions is {@link #of}.
 */
enum FailureDisposition {
    /** A property, the secret or its credential is unusable: the message names the property and is the Reason. */
    INVALID_INPUT(true),
    /** The Name belongs to a connection this stack resource does not own. */
    NOT_OURS(false),
    /** CloudFormation's record does not confirm the request. */
    REFUSED(false),
    /** CloudFormation could not be asked: nothing may change unconfirmed. */
    UNCONFIRMED(false),
    /** The connection settled in a failed state, or did not become ready in time. */
    NOT_READY(true),
    /** An AWS service refused a call (its code; its text only where the request carried no credential). */
    AWS_REFUSED(true),
    /** EventBridge refused or did not complete a connection write (code only). */
    CONNECTION_REQUEST(true),
    /** The AWS API could not be reached after the SDK's retries. */
    UNREACHABLE(true),
    /** Anything else: a bug; the runner's generic Reason points at the log. */
    UNEXPECTED(false);

    /** Checked from the most specific type up the class hierarchy. */
    private static final Map<Class<? extends Throwable>, FailureDisposition> BY_TYPE = new LinkedHashMap<>();

    static {
        BY_TYPE.put(InvalidPropertyException.class, INVALID_INPUT);
        BY_TYPE.put(InvalidCredentialException.class, INVALID_INPUT);
        BY_TYPE.put(ConnectionConflictException.class, NOT_OURS);
        BY_TYPE.put(RequestRefusedException.class, REFUSED);
        BY_TYPE.put(StackCheckException.class, UNCONFIRMED);
        BY_TYPE.put(ConnectionNotReadyException.class, NOT_READY);
        BY_TYPE.put(AwsServiceException.class, AWS_REFUSED);
        BY_TYPE.put(ConnectionRequestException.class, CONNECTION_REQUEST);
        BY_TYPE.put(SdkClientException.class, UNREACHABLE);
    }

    private final boolean rollbackKeepsConnection;

    FailureDisposition(boolean rollbackKeepsConnection) {
        this.rollbackKeepsConnection = rollbackKeepsConnection;
    }

    static FailureDisposition of(Throwable failure) {
        for (Class<?> type = failure.getClass(); type != null; type = type.getSuperclass()) {
            FailureDisposition disposition = BY_TYPE.get(type);
            if (disposition != null) {
                return disposition;
            }
        }
        return UNEXPECTED;
    }

    /**
     * Whether a rollback Update that failed this way may answer SUCCESS with the connection as it is (when
     * that connection exists and is this resource's): failing a rollback leaves the stack
     * {@code UPDATE_ROLLBACK_FAILED}, and a retry would re-read the same secret and fail again.
     */
    boolean rollbackKeepsConnection() {
        return rollbackKeepsConnection;
    }

    /** The Reason for {@code failure}; empty for {@link #UNEXPECTED} (the runner's generic text then). */
    Optional<String> reason(Throwable failure) {
        String message = String.valueOf(failure.getMessage());
        return switch (this) {
            case INVALID_INPUT, NOT_OURS, REFUSED, UNCONFIRMED -> Optional.of(message);
            case NOT_READY -> Optional.of(message + (((ConnectionNotReadyException) failure).timedOut()
                    ? "; raise STEPCONNECT_WAIT_SECONDS or check the authorization endpoint"
                    : "; check the credential and the endpoint it authorizes against"));
            case AWS_REFUSED -> {
                AwsServiceException aws = (AwsServiceException) failure;
                if (aws.awsErrorDetails() == null) {
                    yield Optional.of("AWS answered HTTP " + aws.statusCode());
                }
                String service = aws.awsErrorDetails().serviceName();
                yield Optional.of((service == null ? "AWS" : service) + " answered " + AwsErrors.code(aws)
                        + " (HTTP " + aws.statusCode() + "): " + Redaction.scrub(aws.awsErrorDetails().errorMessage()));
            }
            case CONNECTION_REQUEST -> Optional.of(Redaction.scrub(message));
            case UNREACHABLE -> Optional.of("could not reach the AWS API after retrying: " + Redaction.scrub(message));
            case UNEXPECTED -> Optional.empty();
        };
    }
}
