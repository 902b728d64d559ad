"""Saleor storefront operations, rewritten for this project's compatibility tests.

Reference: github.com/saleor/storefront at commit 60fea09057dd596df07cd5bf45e0467d7ef6c02c
(2026-07-24), its `src/graphql/*.graphql` and `src/checkout/graphql/*.graphql` documents.
Nothing here is copied from that repository: each operation below was written for these tests
and keeps the reference's operation name and the Saleor fields, arguments, enums and input
types it sends, so that a document the storefront sends validates (and runs) the same way.
Fragments carry our own names.
"""

from __future__ import annotations

MONEY = "fragment CompatMoney on Money { currency amount }"
GROSS = "gross { ...CompatMoney }"

ADDRESS = """
fragment CompatAddress on Address {
  id firstName lastName companyName streetAddress1 streetAddress2 city cityArea postalCode
  countryArea phone country { code country }
}
"""

USER = "fragment CompatUser on User { id email firstName lastName avatar { url alt } }"

ATTRIBUTE_PART = """
  attribute { name slug inputType translation(languageCode: $languageCode) { name } }
  values { name slug value translation(languageCode: $languageCode) { name } file { url } }
"""

VARIANT = f"""
fragment CompatVariant on ProductVariant {{
  id name sku quantityAvailable
  translation(languageCode: $languageCode) {{ name }}
  selectionAttributes: attributes(variantSelection: VARIANT_SELECTION) {{ {ATTRIBUTE_PART} }}
  nonSelectionAttributes: attributes(variantSelection: NOT_VARIANT_SELECTION) {{
    {ATTRIBUTE_PART}
  }}
  media {{ url(size: 2048, format: WEBP) alt type }}
  pricing {{ price {{ {GROSS} }} priceUndiscounted {{ {GROSS} }} }}
}}
"""

PRICE_RANGE = f"start {{ {GROSS} }} stop {{ {GROSS} }}"

LIST_ITEM = f"""
fragment CompatListItem on Product {{
  id name slug created
  translation(languageCode: $languageCode) {{ name slug }}
  pricing {{
    priceRange {{ {PRICE_RANGE} }}
    priceRangeUndiscounted {{ {PRICE_RANGE} }}
  }}
  category {{
    id name slug translation(languageCode: $languageCode) {{ name slug }}
    backgroundImage {{ url alt }}
  }}
  thumbnail(size: 1024, format: WEBP) {{ url alt }}
  bestseller: assignedAttribute(slug: "bestseller") {{
    ... on AssignedBooleanAttribute {{ value }}
  }}
  productVariants(first: 50) {{
    totalCount
    edges {{
      node {{
        id
        selectionAttributes: attributes(variantSelection: VARIANT_SELECTION) {{ {ATTRIBUTE_PART} }}
      }}
    }}
  }}
}}
"""

PAGE_INFO = "pageInfo { hasNextPage hasPreviousPage startCursor endCursor }"


def _slug_translations(type_name: str) -> str:
    codes = ("EN", "PL", "DE", "FR", "FI", "NB", "JA", "KO")
    aliases = " ".join(
        f"slug{code}: translation(languageCode: {code}) {{ slug }}" for code in codes
    )
    return f"fragment Compat{type_name}Slugs on {type_name} {{ {aliases} }}"


ORDER_SUMMARY = f"""
fragment CompatOrderSummary on Order {{
  id number created status statusDisplay paymentStatus
  total {{ {GROSS} }}
  lines {{
    quantity
    variant {{
      id name translation(languageCode: $languageCode) {{ name }}
      product {{
        id name description slug translation(languageCode: $languageCode) {{ name }}
        thumbnail {{ url alt }} category {{ id name }}
      }}
      pricing {{ price {{ {GROSS} }} }}
    }}
  }}
}}
"""

CHECKOUT_LINE = f"""
fragment CompatCheckoutLine on CheckoutLine {{
  id quantity
  totalPrice {{ {GROSS} }}
  unitPrice {{ {GROSS} }}
  undiscountedUnitPrice {{ ...CompatMoney }}
  variant {{
    id name translation(languageCode: $languageCode) {{ name }}
    attributes(variantSelection: ALL) {{
      values {{ name dateTime boolean translation(languageCode: $languageCode) {{ name }} }}
    }}
    product {{
      name
      translation(languageCode: $languageCode) {{ id name language {{ code }} }}
      media {{ alt type url(size: 72) }}
    }}
    media {{ alt type url(size: 72) }}
  }}
}}
"""

CHECKOUT = f"""
fragment CompatCheckout on Checkout {{
  id email voucherCode discountName translatedDiscountName
  discount {{ ...CompatMoney }}
  giftCards {{ id displayCode currentBalance {{ ...CompatMoney }} }}
  channel {{ id slug }}
  user {{ id }}
  shippingAddress {{ ...CompatAddress }}
  billingAddress {{ ...CompatAddress }}
  authorizeStatus chargeStatus isShippingRequired
  availablePaymentGateways {{ id name currencies config {{ field value }} }}
  delivery {{ id shippingMethod {{ id name }} }}
  problems {{
    ... on CheckoutProblemDeliveryMethodStale {{ __typename }}
    ... on CheckoutProblemDeliveryMethodInvalid {{ __typename }}
  }}
  totalPrice {{ {GROSS} tax {{ ...CompatMoney }} }}
  shippingPrice {{ {GROSS} }}
  subtotalPrice {{ {GROSS} }}
  lines {{ ...CompatCheckoutLine }}
}}
{CHECKOUT_LINE}
{ADDRESS}
{MONEY}
"""

CHECKOUT_ERRORS = "errors { message field code }"
CHECKOUT_RESULT = f"{CHECKOUT_ERRORS} checkout {{ ...CompatCheckout }}"

ACCOUNT_USER = """
fragment CompatAccountUser on User {
  id email
  addresses { ...CompatAddress }
  defaultBillingAddress { ...CompatAddress }
  defaultShippingAddress { ...CompatAddress }
}
"""

MENU_ITEM = """
fragment CompatMenuItem on MenuItem {
  id name level url
  translation(languageCode: $languageCode) { name }
  category { id slug name translation(languageCode: $languageCode) { name slug } }
  collection { id slug name translation(languageCode: $languageCode) { name slug } }
  page { id slug title translation(languageCode: $languageCode) { title slug } }
}
"""

PRODUCT_LIST_ARGS = """
  $slug: String!, $channel: String!, $languageCode: LanguageCodeEnum!,
  $slugLanguageCode: LanguageCodeEnum, $first: Int, $after: String, $sortBy: ProductOrder,
  $filter: ProductFilterInput, $where: ProductWhereInput
"""

LISTING_BODY = """
  id name slug description seoDescription seoTitle
  translation(languageCode: $languageCode) { name description seoDescription seoTitle slug }
  backgroundImage { url alt }
"""

# Operation name -> document. The storefront's own names, so a failure names the operation.
OPERATIONS: dict[str, str] = {
    # --- catalogue -------------------------------------------------------------------------
    "ChannelsList": "query ChannelsList { channels { id name slug isActive currencyCode } }",
    "CategoriesBySlug": """
      query CategoriesBySlug($slugs: [String!]!, $first: Int = 20) {
        categories(filter: {slugs: $slugs}, first: $first) { edges { node { id slug name } } }
      }""",
    "ProductList": f"""
      query ProductList($first: Int = 9, $channel: String!, $languageCode: LanguageCodeEnum!) {{
        products(first: $first, channel: $channel) {{ edges {{ node {{ ...CompatListItem }} }} }}
      }}
      {LIST_ITEM} {MONEY}""",
    "ProductListPaginated": f"""
      query ProductListPaginated(
        $first: Int, $after: String, $last: Int, $before: String, $channel: String!,
        $languageCode: LanguageCodeEnum!, $sortBy: ProductOrder, $filter: ProductFilterInput,
        $where: ProductWhereInput
      ) {{
        products(first: $first, after: $after, last: $last, before: $before, channel: $channel,
                 sortBy: $sortBy, filter: $filter, where: $where) {{
          totalCount
          edges {{ cursor node {{ ...CompatListItem }} }}
          {PAGE_INFO}
        }}
      }}
      {LIST_ITEM} {MONEY}""",
    "SearchProducts": f"""
      query SearchProducts(
        $search: String!, $sortBy: ProductOrderField!, $sortDirection: OrderDirection!,
        $first: Int, $after: String, $last: Int, $before: String, $channel: String!,
        $languageCode: LanguageCodeEnum!
      ) {{
        products(first: $first, after: $after, last: $last, before: $before, channel: $channel,
                 sortBy: {{field: $sortBy, direction: $sortDirection}},
                 filter: {{search: $search}}) {{
          totalCount
          edges {{ cursor node {{ ...CompatListItem }} }}
          {PAGE_INFO}
        }}
      }}
      {LIST_ITEM} {MONEY}""",
    "ProductListByCategory": f"""
      query ProductListByCategory({PRODUCT_LIST_ARGS}) {{
        category(slug: $slug, slugLanguageCode: $slugLanguageCode) {{
          {LISTING_BODY}
          ...CompatCategorySlugs
          products(first: $first, after: $after, channel: $channel, sortBy: $sortBy,
                   filter: $filter, where: $where) {{
            totalCount edges {{ cursor node {{ ...CompatListItem }} }} {PAGE_INFO}
          }}
        }}
      }}
      {_slug_translations("Category")} {LIST_ITEM} {MONEY}""",
    "ProductListByCollection": f"""
      query ProductListByCollection({PRODUCT_LIST_ARGS}) {{
        collection(slug: $slug, channel: $channel, slugLanguageCode: $slugLanguageCode) {{
          {LISTING_BODY}
          ...CompatCollectionSlugs
          products(first: $first, after: $after, sortBy: $sortBy, filter: $filter,
                   where: $where) {{
            totalCount edges {{ cursor node {{ ...CompatListItem }} }} {PAGE_INFO}
          }}
        }}
      }}
      {_slug_translations("Collection")} {LIST_ITEM} {MONEY}""",
    "ProductDetails": f"""
      query ProductDetails($slug: String!, $channel: String!, $languageCode: LanguageCodeEnum!,
                           $slugLanguageCode: LanguageCodeEnum) {{
        product(slug: $slug, channel: $channel, slugLanguageCode: $slugLanguageCode) {{
          id name slug description seoTitle seoDescription isAvailable
          translation(languageCode: $languageCode) {{
            name description seoTitle seoDescription slug
          }}
          ...CompatProductSlugs
          thumbnail(size: 2048, format: WEBP) {{ url alt }}
          media {{ url(size: 2048, format: WEBP) alt type }}
          category {{ id name slug translation(languageCode: $languageCode) {{ name slug }} }}
          productType {{ slug }}
          productVariants(first: 1) {{ totalCount }}
          bestseller: assignedAttribute(slug: "bestseller") {{
            ... on AssignedBooleanAttribute {{ value }}
          }}
          assignedAttributes(limit: 50) {{
            attribute {{ name slug translation(languageCode: $languageCode) {{ name }} }}
            ... on AssignedPlainTextAttribute {{
              plainText: value
              plainTextTranslation: translation(languageCode: $languageCode)
            }}
            ... on AssignedBooleanAttribute {{ boolean: value }}
            ... on AssignedNumericAttribute {{ numeric: value }}
            ... on AssignedSingleChoiceAttribute {{
              choice: value {{ name slug translation(languageCode: $languageCode) }}
            }}
            ... on AssignedMultiChoiceAttribute {{
              choices: value {{ name slug translation(languageCode: $languageCode) }}
            }}
          }}
          pricing {{ priceRange {{ {PRICE_RANGE} }} }}
        }}
      }}
      {_slug_translations("Product")} {MONEY}""",
    "ProductVariantForPdp": f"""
      query ProductVariantForPdp($id: ID, $sku: String, $channel: String!,
                                 $languageCode: LanguageCodeEnum!) {{
        productVariant(id: $id, sku: $sku, channel: $channel) {{
          ...CompatVariant product {{ id slug }}
        }}
      }}
      {VARIANT} {MONEY}""",
    "ProductVariantsForPdp": f"""
      query ProductVariantsForPdp($slug: String!, $channel: String!,
                                  $languageCode: LanguageCodeEnum!, $first: Int!,
                                  $after: String) {{
        product(slug: $slug, channel: $channel) {{
          id
          productVariants(first: $first, after: $after) {{
            totalCount pageInfo {{ hasNextPage endCursor }}
            edges {{ node {{ ...CompatVariant }} }}
          }}
        }}
      }}
      {VARIANT} {MONEY}""",
    # --- content ---------------------------------------------------------------------------
    "PageGetBySlug": f"""
      query PageGetBySlug($slug: String!, $languageCode: LanguageCodeEnum!,
                          $slugLanguageCode: LanguageCodeEnum) {{
        page(slug: $slug, slugLanguageCode: $slugLanguageCode) {{
          id slug title seoTitle seoDescription content
          translation(languageCode: $languageCode) {{
            title seoTitle seoDescription content slug
          }}
          ...CompatPageSlugs
        }}
      }}
      {_slug_translations("Page")}""",
    "StorefrontContentPages": """
      query StorefrontContentPages($channel: String!, $slugs: [String!]!,
                                   $languageCode: LanguageCodeEnum!) {
        pages(channel: $channel, where: {slug: {oneOf: $slugs}}, first: 20) {
          edges {
            node {
              slug isPublished pageType { slug }
              assignedAttributes {
                attribute { slug }
                ... on AssignedPlainTextAttribute {
                  plainText: value
                  plainTextTranslation: translation(languageCode: $languageCode)
                }
                ... on AssignedBooleanAttribute { boolean: value }
                ... on AssignedNumericAttribute { numeric: value }
                ... on AssignedSingleCollectionReferenceAttribute { collection: value { slug } }
                ... on AssignedFileAttribute { file: value { url } }
              }
            }
          }
        }
      }""",
    "MenuGetBySlug": f"""
      query MenuGetBySlug($slug: String!, $channel: String!, $languageCode: LanguageCodeEnum!) {{
        menu(slug: $slug, channel: $channel) {{
          items {{
            ...CompatMenuItem
            children {{ ...CompatMenuItem children {{ ...CompatMenuItem }} }}
          }}
        }}
      }}
      {MENU_ITEM}""",
    # --- checkout (the storefront's cart) ----------------------------------------------------
    "CheckoutCreate": f"""
      mutation CheckoutCreate($channel: String!, $languageCode: LanguageCodeEnum!) {{
        checkoutCreate(input: {{channel: $channel, languageCode: $languageCode, lines: []}}) {{
          checkout {{
            id email
            lines {{
              id quantity totalPrice {{ {GROSS} }}
              variant {{
                id name
                product {{ id name slug thumbnail {{ url alt }} category {{ name }} }}
                pricing {{ price {{ {GROSS} }} }}
              }}
            }}
            totalPrice {{ {GROSS} }}
          }}
          errors {{ field code }}
        }}
      }}
      {MONEY}""",
    "CheckoutFind": f"""
      query CheckoutFind($id: ID!, $languageCode: LanguageCodeEnum!) {{
        checkout(id: $id) {{
          id email totalPrice {{ {GROSS} }}
          lines {{
            id quantity totalPrice {{ {GROSS} }}
            variant {{
              id name translation(languageCode: $languageCode) {{ name }}
              product {{
                id name slug translation(languageCode: $languageCode) {{ name }}
                thumbnail {{ url alt }}
                category {{ name translation(languageCode: $languageCode) {{ name }} }}
              }}
              pricing {{ price {{ {GROSS} }} priceUndiscounted {{ {GROSS} }} }}
              selectionAttributes: attributes(variantSelection: VARIANT_SELECTION) {{
                {ATTRIBUTE_PART}
              }}
              nonSelectionAttributes: attributes(variantSelection: NOT_VARIANT_SELECTION) {{
                {ATTRIBUTE_PART}
              }}
            }}
          }}
        }}
      }}
      {MONEY}""",
    "CheckoutAddLine": """
      mutation CheckoutAddLine($id: ID!, $productVariantId: ID!) {
        checkoutLinesAdd(id: $id, lines: [{quantity: 1, variantId: $productVariantId}]) {
          checkout { id lines { id quantity variant { name product { name } } } }
          errors { message }
        }
      }""",
    "CheckoutLinesUpdate": f"""
      mutation CheckoutLinesUpdate($checkoutId: ID!, $lines: [CheckoutLineUpdateInput!]!) {{
        checkoutLinesUpdate(id: $checkoutId, lines: $lines) {{
          checkout {{
            id totalPrice {{ {GROSS} }}
            lines {{ id quantity totalPrice {{ {GROSS} }} }}
          }}
          errors {{ field message code }}
        }}
      }}
      {MONEY}""",
    "CheckoutDeleteLines": """
      mutation CheckoutDeleteLines($checkoutId: ID!, $lineIds: [ID!]!) {
        checkoutLinesDelete(id: $checkoutId, linesIds: $lineIds) {
          checkout { id lines { id } channel { slug } }
          errors { field code }
        }
      }""",
    "CheckoutCustomerDetach": """
      mutation CheckoutCustomerDetach($id: ID!) {
        checkoutCustomerDetach(id: $id) { errors { message field code } }
      }""",
    # --- checkout (the storefront's checkout app) --------------------------------------------
    "checkout": f"""
      query checkout($id: ID!, $languageCode: LanguageCodeEnum!) {{
        checkout(id: $id) {{ ...CompatCheckout }}
      }}
      {CHECKOUT}""",
    "channel": "query channel($slug: String!) { channel(slug: $slug) { countries { code } } }",
    "checkoutLinesUpdate": f"""
      mutation checkoutLinesUpdate($checkoutId: ID!, $lines: [CheckoutLineUpdateInput!]!,
                                   $languageCode: LanguageCodeEnum!) {{
        checkoutLinesUpdate(id: $checkoutId, lines: $lines) {{ {CHECKOUT_RESULT} }}
      }}
      {CHECKOUT}""",
    "checkoutLineDelete": f"""
      mutation checkoutLineDelete($checkoutId: ID!, $lineId: ID,
                                  $languageCode: LanguageCodeEnum!) {{
        checkoutLineDelete(id: $checkoutId, lineId: $lineId) {{ {CHECKOUT_RESULT} }}
      }}
      {CHECKOUT}""",
    "checkoutEmailUpdate": f"""
      mutation checkoutEmailUpdate($email: String!, $checkoutId: ID!,
                                   $languageCode: LanguageCodeEnum!) {{
        checkoutEmailUpdate(email: $email, id: $checkoutId) {{ {CHECKOUT_RESULT} }}
      }}
      {CHECKOUT}""",
    "checkoutMetadataUpdate": """
      mutation checkoutMetadataUpdate($id: ID!, $input: [MetadataInput!]!) {
        updateMetadata(id: $id, input: $input) {
          errors { field code message }
          item { ... on Checkout { id } }
        }
      }""",
    "checkoutCustomerAttach": f"""
      mutation checkoutCustomerAttach($checkoutId: ID!, $languageCode: LanguageCodeEnum!) {{
        checkoutCustomerAttach(id: $checkoutId) {{ {CHECKOUT_RESULT} }}
      }}
      {CHECKOUT}""",
    "checkoutCustomerDetach": f"""
      mutation checkoutCustomerDetach($checkoutId: ID!, $languageCode: LanguageCodeEnum!) {{
        checkoutCustomerDetach(id: $checkoutId) {{ {CHECKOUT_RESULT} }}
      }}
      {CHECKOUT}""",
    "checkoutCreate": f"""
      mutation checkoutCreate($channel: String!, $languageCode: LanguageCodeEnum!) {{
        checkoutCreate(input: {{channel: $channel, lines: []}}) {{ {CHECKOUT_RESULT} }}
      }}
      {CHECKOUT}""",
    "checkoutLinesAdd": f"""
      mutation checkoutLinesAdd($checkoutId: ID!, $lines: [CheckoutLineInput!]!,
                                $languageCode: LanguageCodeEnum!) {{
        checkoutLinesAdd(id: $checkoutId, lines: $lines) {{ {CHECKOUT_RESULT} }}
      }}
      {CHECKOUT}""",
    "checkoutShippingAddressUpdate": f"""
      mutation checkoutShippingAddressUpdate(
        $checkoutId: ID!, $shippingAddress: AddressInput!, $saveAddress: Boolean,
        $validationRules: CheckoutAddressValidationRules, $languageCode: LanguageCodeEnum!
      ) {{
        checkoutShippingAddressUpdate(id: $checkoutId, shippingAddress: $shippingAddress,
                                      saveAddress: $saveAddress,
                                      validationRules: $validationRules) {{ {CHECKOUT_RESULT} }}
      }}
      {CHECKOUT}""",
    "checkoutBillingAddressUpdate": f"""
      mutation checkoutBillingAddressUpdate(
        $checkoutId: ID!, $billingAddress: AddressInput!, $saveAddress: Boolean,
        $validationRules: CheckoutAddressValidationRules, $languageCode: LanguageCodeEnum!
      ) {{
        checkoutBillingAddressUpdate(id: $checkoutId, billingAddress: $billingAddress,
                                     saveAddress: $saveAddress,
                                     validationRules: $validationRules) {{ {CHECKOUT_RESULT} }}
      }}
      {CHECKOUT}""",
    "checkoutDeliveryMethodUpdate": f"""
      mutation checkoutDeliveryMethodUpdate($checkoutId: ID!, $deliveryMethodId: ID!,
                                            $languageCode: LanguageCodeEnum!) {{
        checkoutDeliveryMethodUpdate(id: $checkoutId, deliveryMethodId: $deliveryMethodId) {{
          {CHECKOUT_RESULT}
        }}
      }}
      {CHECKOUT}""",
    "addressValidationRules": """
      query addressValidationRules($countryCode: CountryCode!) {
        addressValidationRules(countryCode: $countryCode) {
          addressFormat allowedFields requiredFields countryAreaType postalCodeType cityType
          countryAreaChoices { raw verbose }
        }
      }""",
    "checkoutAddPromoCode": f"""
      mutation checkoutAddPromoCode($checkoutId: ID, $promoCode: String!,
                                    $languageCode: LanguageCodeEnum!) {{
        checkoutAddPromoCode(checkoutId: $checkoutId, promoCode: $promoCode) {{
          {CHECKOUT_RESULT}
        }}
      }}
      {CHECKOUT}""",
    "checkoutRemovePromoCode": f"""
      mutation checkoutRemovePromoCode($checkoutId: ID, $promoCode: String, $promoCodeId: ID,
                                       $languageCode: LanguageCodeEnum!) {{
        checkoutRemovePromoCode(checkoutId: $checkoutId, promoCode: $promoCode,
                                promoCodeId: $promoCodeId) {{ {CHECKOUT_RESULT} }}
      }}
      {CHECKOUT}""",
    "checkoutComplete": f"""
      mutation checkoutComplete($checkoutId: ID!) {{
        checkoutComplete(id: $checkoutId) {{ {CHECKOUT_ERRORS} order {{ id channel {{ slug }} }} }}
      }}""",
    "deliveryOptionsCalculate": """
      mutation deliveryOptionsCalculate($id: ID!) {
        deliveryOptionsCalculate(id: $id) {
          deliveries {
            id
            shippingMethod {
              id name active minimumDeliveryDays maximumDeliveryDays
              price { ...CompatMoney }
            }
          }
          errors { field message code }
        }
      }
      """
    + MONEY,
    # --- payments ----------------------------------------------------------------------------
    "paymentGatewaysInitialize": """
      mutation paymentGatewaysInitialize($checkoutId: ID!,
                                         $paymentGateways: [PaymentGatewayToInitialize!]) {
        paymentGatewayInitialize(id: $checkoutId, paymentGateways: $paymentGateways) {
          errors { field message code }
          gatewayConfigs { id data errors { field message code } }
        }
      }""",
    "transactionInitialize": """
      mutation transactionInitialize($checkoutId: ID!, $action: TransactionFlowStrategyEnum,
                                     $paymentGateway: PaymentGatewayToInitialize!,
                                     $amount: PositiveDecimal) {
        transactionInitialize(id: $checkoutId, action: $action, paymentGateway: $paymentGateway,
                              amount: $amount) {
          transaction { id actions }
          transactionEvent { message type }
          data
          errors { field code message }
        }
      }""",
    "transactionProcess": """
      mutation transactionProcess($id: ID!, $data: JSON) {
        transactionProcess(id: $id, data: $data) {
          transaction { id actions }
          transactionEvent { message type }
          data
          errors { field code message }
        }
      }""",
    # --- orders ------------------------------------------------------------------------------
    "order": f"""
      query order($id: ID!, $languageCode: LanguageCodeEnum!) {{
        order(id: $id) {{
          id number userEmail isPaid chargeStatus authorizeStatus
          channel {{ slug }}
          discounts {{ type name amount {{ ...CompatMoney }} }}
          shippingAddress {{ ...CompatAddress }}
          billingAddress {{ ...CompatAddress }}
          deliveryMethod {{
            ... on ShippingMethod {{ name minimumDeliveryDays maximumDeliveryDays }}
          }}
          total {{ {GROSS} tax {{ ...CompatMoney }} }}
          voucher {{ code }}
          shippingPrice {{ {GROSS} }}
          subtotal {{ {GROSS} }}
          totalBalance {{ ...CompatMoney }}
          totalCaptured {{ ...CompatMoney }}
          lines {{
            id quantity productName variantName
            variant {{
              name translation(languageCode: $languageCode) {{ name }}
              product {{ name translation(languageCode: $languageCode) {{ name }} }}
              attributes(variantSelection: ALL) {{
                values {{
                  name dateTime boolean translation(languageCode: $languageCode) {{ name }}
                }}
              }}
            }}
            totalPrice {{ {GROSS} }}
            undiscountedUnitPrice {{ {GROSS} }}
            unitPrice {{ {GROSS} }}
            thumbnail(size: 128, format: WEBP) {{ alt url }}
          }}
        }}
      }}
      {ADDRESS} {MONEY}""",
    "OrderByNumber": f"""
      query OrderByNumber($first: Int, $languageCode: LanguageCodeEnum!) {{
        me {{
          orders(first: $first) {{
            edges {{
              node {{
                id number created status statusDisplay paymentStatus isPaid
                shippingAddress {{ ...CompatAddress }}
                billingAddress {{ ...CompatAddress }}
                subtotal {{ {GROSS} }}
                shippingPrice {{ {GROSS} }}
                total {{ {GROSS} tax {{ ...CompatMoney }} }}
                lines {{
                  id quantity
                  variant {{
                    id name translation(languageCode: $languageCode) {{ name }}
                    product {{
                      id name slug translation(languageCode: $languageCode) {{ name }}
                      thumbnail {{ url alt }}
                    }}
                    pricing {{ price {{ {GROSS} }} }}
                  }}
                }}
                fulfillments {{
                  id status created trackingNumber
                  lines {{ id quantity orderLine {{ id }} }}
                }}
              }}
            }}
          }}
        }}
      }}
      {ADDRESS} {MONEY}""",
    # --- accounts ----------------------------------------------------------------------------
    "CurrentUser": f"query CurrentUser {{ me {{ ...CompatUser }} }} {USER}",
    "CurrentUserProfile": f"""
      query CurrentUserProfile {{
        me {{
          ...CompatUser dateJoined
          addresses {{ ...CompatAddress }}
          defaultShippingAddress {{ id }}
          defaultBillingAddress {{ id }}
        }}
      }}
      {USER} {ADDRESS}""",
    "CurrentUserOrderList": f"""
      query CurrentUserOrderList($languageCode: LanguageCodeEnum!) {{
        me {{ ...CompatUser orders(first: 10) {{ edges {{ node {{ ...CompatOrderSummary }} }} }} }}
      }}
      {USER} {ORDER_SUMMARY} {MONEY}""",
    "CurrentUserOrdersPaginated": f"""
      query CurrentUserOrdersPaginated($first: Int, $after: String,
                                       $languageCode: LanguageCodeEnum!) {{
        me {{
          ...CompatUser
          orders(first: $first, after: $after) {{
            totalCount
            edges {{ cursor node {{ ...CompatOrderSummary }} }}
            pageInfo {{ hasNextPage endCursor }}
          }}
        }}
      }}
      {USER} {ORDER_SUMMARY} {MONEY}""",
    "user": f"query user {{ user: me {{ ...CompatAccountUser }} }} {ACCOUNT_USER} {ADDRESS}",
    "userRegister": """
      mutation userRegister($input: AccountRegisterInput!) {
        accountRegister(input: $input) { errors { message field code } }
      }""",
    "requestPasswordReset": """
      mutation requestPasswordReset($email: String!, $channel: String!, $redirectUrl: String!) {
        requestPasswordReset(email: $email, channel: $channel, redirectUrl: $redirectUrl) {
          errors { message field code }
        }
      }""",
    "PasswordChange": """
      mutation PasswordChange($newPassword: String!, $oldPassword: String!) {
        passwordChange(newPassword: $newPassword, oldPassword: $oldPassword) {
          errors { field message code }
        }
      }""",
    "AccountUpdate": f"""
      mutation AccountUpdate($input: AccountInput!) {{
        accountUpdate(input: $input) {{ user {{ ...CompatUser }} errors {{ field message code }} }}
      }}
      {USER}""",
    "AccountRequestDeletion": """
      mutation AccountRequestDeletion($redirectUrl: String!, $channel: String) {
        accountRequestDeletion(redirectUrl: $redirectUrl, channel: $channel) {
          errors { field message code }
        }
      }""",
    "AccountAddressCreate": f"""
      mutation AccountAddressCreate($input: AddressInput!) {{
        accountAddressCreate(input: $input) {{
          address {{ ...CompatAddress }} errors {{ field message code }}
        }}
      }}
      {ADDRESS}""",
    "AccountAddressUpdate": f"""
      mutation AccountAddressUpdate($id: ID!, $input: AddressInput!) {{
        accountAddressUpdate(id: $id, input: $input) {{
          address {{ ...CompatAddress }} errors {{ field message code }}
        }}
      }}
      {ADDRESS}""",
    "AccountAddressDelete": """
      mutation AccountAddressDelete($id: ID!) {
        accountAddressDelete(id: $id) { errors { field message code } }
      }""",
    "AccountSetDefaultAddress": """
      mutation AccountSetDefaultAddress($id: ID!, $type: AddressTypeEnum!) {
        accountSetDefaultAddress(id: $id, type: $type) { errors { field message code } }
      }""",
    "userAddressCreate": f"""
      mutation userAddressCreate($address: AddressInput!, $type: AddressTypeEnum) {{
        accountAddressCreate(type: $type, input: $address) {{
          user {{ ...CompatAccountUser }}
          errors {{ message field code }}
          address {{ ...CompatAddress }}
        }}
      }}
      {ACCOUNT_USER} {ADDRESS}""",
    "userAddressUpdate": f"""
      mutation userAddressUpdate($id: ID!, $address: AddressInput!) {{
        accountAddressUpdate(id: $id, input: $address) {{
          user {{ ...CompatAccountUser }}
          errors {{ message field code }}
          address {{ ...CompatAddress }}
        }}
      }}
      {ACCOUNT_USER} {ADDRESS}""",
    "userAddressDelete": f"""
      mutation userAddressDelete($id: ID!) {{
        accountAddressDelete(id: $id) {{
          user {{ ...CompatAccountUser }}
          errors {{ message field code }}
          address {{ ...CompatAddress }}
        }}
      }}
      {ACCOUNT_USER} {ADDRESS}""",
    "userSetDefaultAddress": f"""
      mutation userSetDefaultAddress($id: ID!, $type: AddressTypeEnum!) {{
        accountSetDefaultAddress(id: $id, type: $type) {{
          user {{ ...CompatAccountUser }}
          errors {{ message field code }}
        }}
      }}
      {ACCOUNT_USER} {ADDRESS}""",
}
