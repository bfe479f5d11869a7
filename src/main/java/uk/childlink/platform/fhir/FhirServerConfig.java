package uk.childlink.platform.fhir;

import ca.uhn.fhir.batch2.jobs.export.BulkDataExportProvider;
import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.jpa.api.config.JpaStorageSettings;
import ca.uhn.fhir.jpa.api.dao.IFhirSystemDao;
import ca.uhn.fhir.jpa.provider.JpaCapabilityStatementProvider;
import ca.uhn.fhir.jpa.provider.JpaSystemProvider;
import ca.uhn.fhir.jpa.provider.ValueSetOperationProvider;
import ca.uhn.fhir.jpa.search.DatabaseBackedPagingProvider;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.server.HardcodedServerAddressStrategy;
import ca.uhn.fhir.rest.server.IResourceProvider;
import ca.uhn.fhir.rest.server.RestfulServer;
import ca.uhn.fhir.rest.server.interceptor.ResponseHighlighterInterceptor;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import ca.uhn.fhir.rest.server.provider.ResourceProviderFactory;
import ca.uhn.fhir.rest.server.util.ISearchParamRegistry;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.catalina.Valve;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.valves.ErrorReportValve;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.web.embedded.tomcat.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.info.BuildProperties;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import ca.uhn.fhir.context.FhirContext;
import uk.childlink.platform.OwnResourceProvider;
import uk.childlink.platform.Pipeline;
import uk.childlink.platform.Pipeline.Place;
import uk.childlink.platform.PlainHapi;
import uk.childlink.platform.PlatformProperties;

/** The FHIR REST endpoint at {@code /fhir}: HAPI's RestfulServer over the JPA storage. */
@Configuration(proxyBeanMethods = false)
class FhirServerConfig {

	static final String NAME = "ChildLink";

	@Bean
	RestfulServer fhirRestfulServer(
			IFhirSystemDao<?, ?> systemDao,
			ResourceProviderFactory resourceProviders,
			JpaSystemProvider<?, ?> systemProvider,
			ValueSetOperationProvider valueSetOperations,
			JpaStorageSettings storageSettings,
			ISearchParamRegistry searchParamRegistry,
			IValidationSupport validationSupport,
			DatabaseBackedPagingProvider pagingProvider,
			PlatformProperties properties,
			ObjectProvider<BuildProperties> buildProperties,
			ObjectProvider<OwnResourceProvider> ownProviders,
			ObjectProvider<BulkDataExportProvider> exportProvider,
			Environment environment) {
		long maxRequestSize = properties.maxRequestSize().toBytes();
		RestfulServer server = new RestfulServer(systemDao.getContext()) {
			@Override
			protected ServletRequestDetails newRequestDetails() {
				return new BoundedRequestDetails(getInterceptorService(), maxRequestSize);
			}
		};
		String version = buildProperties.stream().map(BuildProperties::getVersion).findFirst().orElse("dev");
		if (PlainHapi.on(environment)) {
			server.setServerName("HAPI FHIR");
			server.setImplementationDescription("Plain HAPI FHIR JPA server (" + NAME + "'s benchmark baseline)");
			// bulk export as a user switches it on in HAPI's starter (bulk_export_enabled): the benchmark's baseline
			// export; ChildLink's own is registered with its rules by the population module
			server.registerProvider(exportProvider.getObject());
		} else {
			server.setServerName(NAME);
			server.setServerVersion(version);
			server.setImplementationDescription(NAME + " FHIR R4 server for children's services");
		}
		server.setDefaultResponseEncoding(EncodingEnum.JSON);

		// a module that serves a resource type itself publishes its provider as a bean: it replaces HAPI's
		List<OwnResourceProvider> own = ownProviders.orderedStream().toList();
		Set<Class<?>> servedByModules = own.stream().map(IResourceProvider::getResourceType).collect(Collectors.toSet());
		server.registerProviders(resourceProviders.createProviders().stream()
				.filter(p -> !(p instanceof IResourceProvider jpa && servedByModules.contains(jpa.getResourceType())))
				.toList());
		server.registerProviders(own);
		server.registerProvider(systemProvider);
		server.registerProvider(valueSetOperations);

		server.setPagingProvider(pagingProvider);

		JpaCapabilityStatementProvider capabilities = new JpaCapabilityStatementProvider(
				server, systemDao, storageSettings, searchParamRegistry, validationSupport);
		capabilities.setImplementationDescription(server.getImplementationDescription());
		server.setServerConformanceProvider(capabilities);
		if (properties.publicBaseUrl() != null) {
			server.setServerAddressStrategy(new HardcodedServerAddressStrategy(properties.publicBaseUrl().toString()));
		}
		return server;
	}

	/**
	 * The server's FhirContext (HAPI's primary one) configured once, as it is created: before any bean can parse with
	 * it, so that the conformance loader and the REST server parse alike.
	 */
	@Bean
	static BeanPostProcessor fhirContextSetup() {
		return new BeanPostProcessor() {
			@Override
			public Object postProcessAfterInitialization(Object bean, String name) {
				if (bean instanceof FhirContext fhir && "primaryFhirContext".equals(name)) {
					fhir.setParserErrorHandler(new RejectUnknownElementsErrorHandler());
					fhir.setLocalizer(new PrivacyPreservingLocalizer());
				}
				return bean;
			}
		};
	}

	/** The platform's places in the request pipeline: request checks, answers to HAPI's errors, presentation. */
	@Bean
	Pipeline.Contributor platformSteps(FhirContext fhir, ObjectProvider<BuildProperties> buildProperties) {
		String version = buildProperties.stream().map(BuildProperties::getVersion).findFirst().orElse("dev");
		List<Pipeline.Step> steps = List.of(
				new Pipeline.Step(Place.REQUEST_CHECKS, new QueryParameterChecks()),
				new Pipeline.Step(Place.REQUEST_CHECKS, new BodyRules(fhir)),
				new Pipeline.Step(Place.WRITE_RETRY, new ConditionalWriteRetryInterceptor()),
				new Pipeline.Step(Place.UNAVAILABLE, new UnavailableAnswers()),
				new Pipeline.Step(Place.VERSION_PRECONDITION, new IfMatchPreconditionInterceptor()),
				new Pipeline.Step(Place.DANGLING_REFERENCE, new DanglingReferenceInterceptor(fhir)),
				new Pipeline.Step(Place.CLIENT_FAULTS, new ClientFaults()),
				// browsers get readable HTML; FHIR clients are unaffected
				new Pipeline.Step(Place.PRESENTATION, new ResponseHighlighterInterceptor()),
				new Pipeline.Step(Place.CAPABILITIES, new CapabilityStatementCustomizer(version)));
		return () -> steps;
	}

	/**
	 * Requests Tomcat refuses itself are answered with an OperationOutcome too ({@link OperationOutcomeErrorValve}):
	 * after Spring Boot's own customizer, whose plain error valve is taken out so that the host installs ours.
	 */
	@Bean
	@Order(Ordered.LOWEST_PRECEDENCE)
	WebServerFactoryCustomizer<TomcatServletWebServerFactory> operationOutcomeErrors() {
		return factory -> factory.addContextCustomizers(context -> {
			if (context.getParent() instanceof StandardHost host) {
				for (Valve valve : host.getPipeline().getValves()) {
					if (valve instanceof ErrorReportValve && !(valve instanceof OperationOutcomeErrorValve)) {
						host.getPipeline().removeValve(valve);
					}
				}
				host.setErrorReportValveClass(OperationOutcomeErrorValve.class.getName());
			}
		});
	}

	@Bean
	ServletRegistrationBean<RestfulServer> fhirServlet(RestfulServer server) {
		ServletRegistrationBean<RestfulServer> registration = new ServletRegistrationBean<>(server, "/fhir/*");
		registration.setName("fhir");
		// initialise at start-up, so the first client does not pay for it
		registration.setLoadOnStartup(1);
		return registration;
	}
}
