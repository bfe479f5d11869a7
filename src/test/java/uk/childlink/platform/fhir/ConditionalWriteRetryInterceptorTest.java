package uk.childlink.platform.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.api.Constants;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;

/** Which writes the server retries after losing a race on a unique index. */
class ConditionalWriteRetryInterceptorTest {

	private final ConditionalWriteRetryInterceptor interceptor = new ConditionalWriteRetryInterceptor();

	@Test
	void conditionalCreateIsRetried() {
		SystemRequestDetails request = request(RestOperationTypeEnum.CREATE);
		request.addHeader(Constants.HEADER_IF_NONE_EXIST, "identifier=https://fhir.nhs.uk/Id/nhs-number|9990000018");

		assertThat(retries(request)).isEqualTo(ConditionalWriteRetryInterceptor.MAX_RETRIES);
	}

	@Test
	void plainCreateIsNot() {
		assertThat(retries(request(RestOperationTypeEnum.CREATE))).isZero();
	}

	@Test
	void conditionalUpdateIsRetriedButUpdateById() {
		assertThat(retries(request(RestOperationTypeEnum.UPDATE))).isEqualTo(ConditionalWriteRetryInterceptor.MAX_RETRIES);

		SystemRequestDetails byId = request(RestOperationTypeEnum.UPDATE);
		byId.setId(new IdType("Patient/1000"));
		assertThat(retries(byId)).isZero();
	}

	@Test
	void bundleIsRetriedOnlyWithAConditionalEntry() {
		Bundle plain = new Bundle().setType(Bundle.BundleType.TRANSACTION);
		plain.addEntry().setResource(new Patient()).getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Patient");
		plain.addEntry().getRequest().setMethod(Bundle.HTTPVerb.GET).setUrl("Patient?identifier=x|y");
		SystemRequestDetails request = request(RestOperationTypeEnum.TRANSACTION);
		request.setResource(plain);
		assertThat(retries(request)).isZero();

		Bundle upsert = plain.copy();
		upsert.addEntry().setResource(new Patient()).getRequest().setMethod(Bundle.HTTPVerb.PUT)
				.setUrl("Patient?identifier=https://fhir.nhs.uk/Id/nhs-number|9990000018");
		request.setResource(upsert);
		assertThat(retries(request)).isEqualTo(ConditionalWriteRetryInterceptor.MAX_RETRIES);

		Bundle ifNoneExist = plain.copy();
		ifNoneExist.getEntryFirstRep().getRequest().setIfNoneExist("identifier=x|y");
		request.setResource(ifNoneExist);
		assertThat(retries(request)).isEqualTo(ConditionalWriteRetryInterceptor.MAX_RETRIES);

		// a batch's entries run one by one under the batch's request: no retry, whatever its entries
		request.setResource(ifNoneExist.copy().setType(Bundle.BundleType.BATCH));
		assertThat(retries(request)).isZero();
	}

	@Test
	void readsAndDeletesByIdAreNot() {
		assertThat(retries(request(RestOperationTypeEnum.READ))).isZero();
		assertThat(retries(request(RestOperationTypeEnum.DELETE))).isZero();
	}

	private int retries(SystemRequestDetails request) {
		var strategy = interceptor.retryConditionalWrites(request);
		return strategy.isRetry() ? strategy.getMaxRetries() : 0;
	}

	private static SystemRequestDetails request(RestOperationTypeEnum operation) {
		SystemRequestDetails request = new SystemRequestDetails();
		request.setRestOperationType(operation);
		return request;
	}
}
