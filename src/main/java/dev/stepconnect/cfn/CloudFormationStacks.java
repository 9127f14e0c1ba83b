package dev.stepconnect.cfn;

import dev.stepconnect.aws.AwsErrors;
import java.util.List;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.Stack;
import software.amazon.awssdk.services.cloudformation.model.StackResourceDetail;

/**
 * Asks CloudFormation whether a custom resource request is one it really sent: the request's stack
 * (by its StackId) and logical resource, as CloudFormation records them. Read-only: needs
 * {@code cloudformation:DescribeStacks} and {@code cloudformation:DescribeStackResource} on the stacks.
 *
 * @see <a href="https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeStacks.html">DescribeStacks</a>
 * @see <a href="https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeStackResource.html">DescribeStackResource</a>
 */
public final class CloudFormationStacks {
    /**
     * CloudFormation's answer for a stack or resource that does not exist. {@code AccessDenied} is not
     * among them: it means the provider's role lacks the read permissions (or the stack is in another
     * account), and concluding "not CloudFormation's" from it would let a Delete answer SUCCESS and leave
     * the connection, with its copy of the credential, behind.
     */
    private static final List<String> UNKNOWN = List.of("ValidationError");
    private final CloudFormationClient cloudFormation;

    public CloudFormationStacks(CloudFormationClient cloudFormation) {
        this.cloudFormation = cloudFormation;
    }

    /**
     * The verdict on {@code request}: confirmed with CloudFormation's record, or refused with the reason.
     *
     * @throws StackCheckException when CloudFormation could not be asked (throttling or 5xx after the
     *                             SDK's retries, network): nothing can be concluded
     */
    public Verdict check(CustomResourceRequest request) {
        String stackId = request.target().stackId();
        String logicalId = request.target().logicalResourceId();
        Stack stack;
        StackResourceDetail resource;
        try {
            List<Stack> stacks = cloudFormation.describeStacks(r -> r.stackName(stackId)).stacks();
            if (stacks.isEmpty() || !stackId.equals(stacks.get(0).stackId())) {
                return Verdict.refused("CloudFormation has no stack with the request's StackId");
            }
            stack = stacks.get(0);
            resource = cloudFormation.describeStackResource(r -> r.stackName(stackId).logicalResourceId(logicalId))
                    .stackResourceDetail();
        } catch (AwsServiceException e) {
            String code = AwsErrors.code(e);
            if (UNKNOWN.contains(code)) {
                return Verdict.refused("CloudFormation does not know the request's stack resource (" + code + ")");
            }
            throw new StackCheckException("could not confirm the request with CloudFormation: " + code
                    + " (HTTP " + e.statusCode() + ")");
        } catch (software.amazon.awssdk.core.exception.SdkClientException e) {
            throw new StackCheckException("could not confirm the request with CloudFormation: "
                    + e.getClass().getSimpleName());
        }
        if (resource == null) {
            return Verdict.refused("CloudFormation does not know the request's stack resource");
        }
        StackResourceRecord record = new StackResourceRecord(stack.stackStatusAsString(), resource.resourceType(),
                resource.physicalResourceId(), resource.resourceStatusAsString());
        return StackOperations.refusal(request, record).map(why -> new Verdict(false, why, record))
                .orElseGet(() -> Verdict.confirmed(record));
    }

    /**
     * Confirmed or refused (with why). {@code record} is CloudFormation's record of the stack resource,
     * null when CloudFormation does not know it.
     */
    public record Verdict(boolean confirmed, String refusal, StackResourceRecord record) {
        static Verdict refused(String why) {
            return new Verdict(false, why, null);
        }

        static Verdict confirmed(StackResourceRecord record) {
            return new Verdict(true, null, record);
        }
    }
}
