package uk.childlink.platform.fhir;

import ca.uhn.fhir.batch2.jobs.config.Batch2JobsConfig;
import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.api.config.JpaStorageSettings;
import ca.uhn.fhir.jpa.api.IDaoRegistry;
import ca.uhn.fhir.jpa.api.config.ThreadPoolFactoryConfig;
import ca.uhn.fhir.jpa.api.dao.IFhirSystemDao;
import ca.uhn.fhir.jpa.config.util.ResourceCountCacheUtil;
import ca.uhn.fhir.jpa.dao.tx.HapiTransactionService;
import ca.uhn.fhir.jpa.provider.DaoRegistryResourceSupportedSvc;
import ca.uhn.fhir.jpa.search.DatabaseBackedPagingProvider;
import ca.uhn.fhir.jpa.searchparam.extractor.ISearchParamExtractor;
import ca.uhn.fhir.jpa.search.IStaleSearchDeletingSvc;
import ca.uhn.fhir.jpa.search.StaleSearchDeletingSvcImpl;
import ca.uhn.fhir.jpa.util.ResourceCountCache;
import ca.uhn.fhir.rest.api.IResourceSupportedSvc;
import ca.uhn.fhir.jpa.batch2.JpaBatch2Config;
import ca.uhn.fhir.jpa.config.r4.JpaR4Config;
import ca.uhn.fhir.jpa.config.util.HapiEntityManagerFactoryUtil;
import ca.uhn.fhir.jpa.model.config.PartitionSettings;
import ca.uhn.fhir.jpa.model.config.SubscriptionSettings;
import ca.uhn.fhir.jpa.model.dialect.HapiFhirPostgresDialect;
import ca.uhn.fhir.jpa.subscription.channel.config.SubscriptionChannelConfig;
import jakarta.persistence.EntityManagerFactory;
import java.util.Properties;
import javax.sql.DataSource;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.DependsOn;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.core.env.Environment;
import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.orm.jpa.JpaTransactionManager;
import org.springframework.orm.jpa.LocalContainerEntityManagerFactoryBean;
import uk.childlink.platform.PlainHapi;
import uk.childlink.platform.PlatformProperties;
import uk.childlink.platform.StorageProperties;
import uk.childlink.platform.database.UnavailabilityAwareTransactions;
import uk.childlink.platform.database.WritePlans;

/**
 * HAPI FHIR's JPA storage on PostgreSQL: HAPI's own Spring configuration, plus the beans it expects the application
 * to supply (storage settings, entity manager factory, transaction manager, and what HAPI's {@code HapiJpaConfig}
 * would add, less its Hibernate Search services: without them HAPI expands ValueSets and searches from the database
 * alone, where with them it would call a full-text index that is not there).
 */
@Configuration(proxyBeanMethods = false)
@Import({
	JpaR4Config.class,
	JpaBatch2Config.class,
	Batch2JobsConfig.class,
	SubscriptionChannelConfig.class,
	ThreadPoolFactoryConfig.class
})
class JpaStorageConfig {

	static final int SYNCHRONOUS_SEARCH_MAXIMUM = 10_000;

	@Bean
	JpaStorageSettings jpaStorageSettings(PlatformProperties properties, StorageProperties storage) {
		JpaStorageSettings settings = new JpaStorageSettings();
		// tuned: search index rows without the parameter's name and resource type (HAPI finds them by the hash of
		// both, as ChildLink's own SQL does): smaller rows and indexes. Rows written before keep theirs, and are found
		// the same way
		settings.setIndexStorageOptimized(storage.tuned());
		long reuseMillis = properties.searchCacheReuse().toMillis();
		settings.setReuseCachedSearchResultsForMillis(reuseMillis > 0 ? reuseMillis : null);
		// the most a synchronous search without a _count loads (HAPI's default: no limit). Not the page size: HAPI's
		// bulk export loads each chunk's resources by _id, 800 to a search, and a cap below that fails every export of
		// more than the cap's resources of one type (HAPI-0464)
		settings.setFetchSizeDefaultMaximum(Math.max(properties.maxPageSize(), SYNCHRONOUS_SEARCH_MAXIMUM));
		// :contains is part of standard FHIR search; it costs a scan only for the searches that use it
		settings.setAllowContainsSearches(true);
		// HAPI pre-expands stored ValueSets through Hibernate Search (Lucene), which is not used here: the task only
		// fails and logs. Expansions ($expand, validation) are computed when asked for instead.
		settings.setPreExpandValueSets(false);
		return settings;
	}

	/** HAPI's search-index extraction, surviving dates that carry only a data-absent reason (see the class). */
	@Primary
	@Bean
	ISearchParamExtractor absentValueTolerantExtractor() {
		return new AbsentValueTolerantExtractor();
	}

	/** HAPI's transaction service, answering 503 when the database cannot serve now (see the class). */
	@Primary
	@Bean
	HapiTransactionService unavailabilityAwareTransactions(WritePlans writePlans) {
		return new UnavailabilityAwareTransactions(writePlans);
	}

	@Bean
	IStaleSearchDeletingSvc staleSearchDeletingSvc() {
		return new StaleSearchDeletingSvcImpl();
	}

	/** Search results are paged from the database, so a next link works from any client and any server process. */
	@Bean
	DatabaseBackedPagingProvider databaseBackedPagingProvider(PlatformProperties properties) {
		DatabaseBackedPagingProvider paging = new DatabaseBackedPagingProvider();
		paging.setDefaultPageSize(properties.defaultPageSize());
		paging.setMaximumPageSize(properties.maxPageSize());
		return paging;
	}

	@Bean
	IResourceSupportedSvc resourceSupportedSvc(IDaoRegistry daoRegistry) {
		return new DaoRegistryResourceSupportedSvc(daoRegistry);
	}

	@Bean(name = "myResourceCountsCache")
	ResourceCountCache resourceCountsCache(IFhirSystemDao<?, ?> systemDao) {
		return ResourceCountCacheUtil.newResourceCountCache(systemDao);
	}

	@Bean
	PartitionSettings partitionSettings() {
		return new PartitionSettings();
	}

	/** No subscription channel types are enabled; HAPI's subscription wiring still needs the settings bean. */
	@Bean
	SubscriptionSettings subscriptionSettings() {
		return new SubscriptionSettings();
	}

	@Primary
	@Bean
	@DependsOn("childlinkSchemaMigration")
	LocalContainerEntityManagerFactoryBean entityManagerFactory(
			DataSource dataSource,
			ConfigurableListableBeanFactory beanFactory,
			FhirContext fhirContext,
			JpaStorageSettings storageSettings,
			StorageProperties storage,
			Environment environment) {
		LocalContainerEntityManagerFactoryBean factory =
				HapiEntityManagerFactoryUtil.newEntityManagerFactory(beanFactory, fhirContext, storageSettings);
		factory.setPersistenceUnitName("HAPI_PU");
		factory.setDataSource(dataSource);
		factory.setJpaProperties(hibernateProperties(storage.tuned()));
		if (!PlainHapi.on(environment)) {
			// Hibernate builds the metadata of HAPI's entities (5-7 s of a start here) on a thread of its own, while
			// the main thread goes on with beans that do not need it yet (HAPI's own profiles, parsed from XML, are
			// next); the first use of the factory waits for it. Plain HAPI starts as HAPI's JPA starter does
			factory.setBootstrapExecutor(new SimpleAsyncTaskExecutor("jpa-bootstrap-"));
		}
		return factory;
	}

	/**
	 * Fixed Hibernate settings: the schema belongs to HAPI's migrator, and there is no second-level cache. Tuned:
	 * index rows are inserted 100 to a JDBC batch (a transaction of 100 attendance records writes some 3,000 rows),
	 * which the driver sends as multi-row INSERTs (reWriteBatchedInserts, see DatabaseTuning).
	 */
	private static Properties hibernateProperties(boolean tuned) {
		Properties props = new Properties();
		props.put("hibernate.dialect", HapiFhirPostgresDialect.class.getName());
		props.put("hibernate.hbm2ddl.auto", "none");
		props.put("hibernate.search.enabled", "false");
		props.put("hibernate.jdbc.batch_size", tuned ? "100" : "30");
		props.put("hibernate.order_inserts", "true");
		props.put("hibernate.order_updates", "true");
		props.put("hibernate.cache.use_query_cache", "false");
		props.put("hibernate.cache.use_second_level_cache", "false");
		props.put("hibernate.cache.use_structured_entries", "false");
		props.put("hibernate.cache.use_minimal_puts", "false");
		return props;
	}

	@Primary
	@Bean
	JpaTransactionManager transactionManager(EntityManagerFactory entityManagerFactory) {
		return new JpaTransactionManager(entityManagerFactory);
	}
}
