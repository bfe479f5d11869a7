package uk.childlink.conformance.validation;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.validation.IInstanceValidatorModule;
import ca.uhn.fhir.validation.IValidationContext;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.SingleValidationMessage;
import ca.uhn.fhir.validation.ValidationContext;
import java.util.List;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Meta;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.annotation.Primary;
import org.springframework.dao.DataAccessException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.TransactionException;
import uk.childlink.platform.Primitives;

/**
 * HAPI's instance validator (HL7's), as every check uses it (validation on write and {@code $validate}), made to
 * answer rather than fail on what it cannot read. A {@code meta.profile} entry without a value (only a data-absent
 * reason: valid FHIR) names no profile, but HL7's validator fails outright on one (it reads each entry as a string):
 * the resource is validated again without such entries. Any other failure of the validator on a resource becomes a
 * fatal message about that resource (a 422 on write), logged with its stack trace to be made precise when seen.
 */
@Primary
@Component
final class RobustInstanceValidator implements IInstanceValidatorModule {

	private static final Logger log = LoggerFactory.getLogger(RobustInstanceValidator.class);

	private final IInstanceValidatorModule hl7;

	RobustInstanceValidator(@Qualifier("myInstanceValidator") IInstanceValidatorModule hl7) {
		this.hl7 = hl7;
	}

	/** Longer than any UCUM unit: HL7's validator hands a Quantity's code to a UCUM parser whose time grows with its square. */
	static final int MAX_UCUM_CODE = 256;
	private static final String UCUM = "http://unitsofmeasure.org";

	@Override
	public void validateResource(IValidationContext<IBaseResource> context) {
		if (refusedUnitsOfMeasure(context)) {
			return; // a 1 MB unit held a request thread for minutes: refused before the validator reads it
		}
		RuntimeException failure;
		try {
			hl7.validateResource(context);
			return;
		} catch (BaseServerResponseException | DataAccessException | TransactionException serverSide) {
			throw serverSide;
		} catch (RuntimeException unreadable) {
			failure = unreadable;
		}
		try {
			Resource readable = withoutUnnamedProfiles(context.getResource(), context.getFhirContext());
			if (readable != null) {
				IValidationContext<IBaseResource> again =
						ValidationContext.forResource(context.getFhirContext(), readable, context.getOptions());
				hl7.validateResource(again);
				again.getMessages().forEach(context::addValidationMessage);
				return;
			}
		} catch (BaseServerResponseException | DataAccessException | TransactionException serverSide) {
			throw serverSide;
		} catch (RuntimeException stillUnreadable) {
			failure = stillUnreadable;
		}
		log.warn("The validator failed on a resource; it is reported as unreadable", failure);
		SingleValidationMessage message = new SingleValidationMessage();
		message.setSeverity(ResultSeverityEnum.FATAL);
		message.setMessage("The profile validator could not process this resource: " + failure);
		context.addValidationMessage(message);
	}

	/** Refuses (an error message each) the UCUM codes too long to be units; whether there were any. */
	private static boolean refusedUnitsOfMeasure(IValidationContext<IBaseResource> context) {
		boolean refused = false;
		for (Quantity quantity : context.getFhirContext().newTerser()
				.getAllPopulatedChildElementsOfType(context.getResource(), Quantity.class)) {
			String code = Primitives.text(quantity.getCodeElement());
			if (UCUM.equals(Primitives.text(quantity.getSystemElement())) && code != null && code.length() > MAX_UCUM_CODE) {
				SingleValidationMessage message = new SingleValidationMessage();
				message.setSeverity(ResultSeverityEnum.ERROR);
				message.setMessage("A Quantity's UCUM code of " + code.length() + " characters is not a unit of measure"
						+ " (at most " + MAX_UCUM_CODE + ")");
				context.addValidationMessage(message);
				refused = true;
			}
		}
		return refused;
	}

	/** A copy without value-less meta.profile entries (here, in contained resources and entries); null if none. */
	private static Resource withoutUnnamedProfiles(IBaseResource resource, FhirContext fhir) {
		if (!(resource instanceof Resource r4)) {
			return null;
		}
		Resource copy = r4.copy();
		List<Meta> metas = fhir.newTerser().getAllPopulatedChildElementsOfType(copy, Meta.class);
		boolean dropped = false;
		for (Meta meta : metas) {
			dropped |= meta.getProfile().removeIf(profile -> !Primitives.present(profile));
		}
		return dropped ? copy : null;
	}
}
