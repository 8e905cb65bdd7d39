//! proptest strategies for whole sync scenarios: manifest sets, cluster contents and
//! behaviours (issue 8).
//!
//! A generated [`Case`] is a small model (kinds, annotations, leftovers, what-if rules) that
//! renders to a scenario file (scenario-format.md). Properties parse that file with
//! `core::scenario` exactly as `hookline test` does, so a failing case — printed through its
//! `Debug`, which *is* the scenario YAML — can be saved and run with `hookline test FILE`.
//! proptest shrinks the model (fewer objects, simpler annotations) before printing it.
//!
//! The model knows, by construction, which objects are Skip (H-5) and which are ignored
//! (H-7, H-10): that is the independent oracle property 4 checks core against.

mod model;

pub use model::*;

use proptest::prelude::*;

fn kind() -> impl Strategy<Value = Kind> {
    prop_oneof![
        4 => Just(Kind::ConfigMap),
        1 => Just(Kind::Service),
        2 => Just(Kind::Deployment),
        3 => Just(Kind::Job),
        2 => Just(Kind::Pod),
        1 => Just(Kind::Namespace),
        1 => Just(Kind::Crd),
        1 => Just(Kind::Widget),
    ]
}

pub fn hook() -> impl Strategy<Value = Hook> {
    prop_oneof![
        6 => Just(Hook::None),
        8 => prop::sample::select(vec![
            "PreSync", "Sync", "PostSync", "SyncFail", "PreSync,PostSync", "Skip,PreSync",
            "Sync, SyncFail", "PostSync,PostSync", "PreSycn,Sync", "PreSync,PreDelete",
        ])
        .prop_map(Hook::Argo),
        1 => Just(Hook::Skip),
        1 => prop::sample::select(vec!["PreSycn", "", "presync", "PreDelete,Bogus"])
            .prop_map(Hook::ArgoGarbage),
        1 => prop::sample::select(vec!["PreDelete", "PostDelete"]).prop_map(Hook::DeleteOnly),
        2 => prop::sample::select(vec!["pre-install", "post-upgrade", "pre-install,pre-upgrade",
            "crd-install,post-install"])
            .prop_map(Hook::Helm),
        1 => prop::sample::select(vec!["test", "pre-rollback"]).prop_map(Hook::HelmGarbage),
        1 => Just(Hook::HelmCrdInstall),
    ]
}

fn wave() -> impl Strategy<Value = Wave> {
    prop_oneof![
        4 => Just(Wave::None),
        4 => (-2i64..=3).prop_map(Wave::Int),
        1 => prop::sample::select(vec![" 1", "1.5", "abc", "0x1", "+2"]).prop_map(Wave::Invalid),
        1 => (-1i64..=2).prop_map(Wave::HelmWeight),
    ]
}

fn namespace() -> impl Strategy<Value = Option<&'static str>> {
    prop_oneof![
        3 => Just(None),
        1 => Just(Some("default")),
        1 => prop::sample::select(vec!["ns-a", "ns-b"]).prop_map(Some),
    ]
}

fn policies() -> impl Strategy<Value = (Vec<&'static str>, Vec<&'static str>)> {
    (
        prop::sample::subsequence(
            vec!["BeforeHookCreation", "HookSucceeded", "HookFailed", "Bogus"],
            0..=2,
        ),
        prop_oneof![
            4 => Just(vec![]),
            1 => prop::sample::subsequence(vec!["before-hook-creation", "hook-succeeded",
                "hook-failed"], 1..=2),
        ],
    )
}

fn obj() -> impl Strategy<Value = Obj> {
    let sync_options = prop_oneof![
        6 => Just(vec![]),
        1 => prop::sample::subsequence(vec!["Replace=true", "Force=true", "Validate=false",
            "SkipDryRunOnMissingResource=true", "ServerSideApply=true"], 1..=2),
    ];
    (
        kind(),
        namespace(),
        wave(),
        hook(),
        policies(),
        any::<bool>(),
        sync_options,
    )
        .prop_map(
            |(kind, namespace, wave, hook, (policies, helm_policies), gen_name, sync_options)| {
                // Hooks on Namespaces/CRDs are legal but make T-10 cases unreadable; keep them plain.
                let hook = if matches!(kind, Kind::Namespace | Kind::Crd) {
                    Hook::None
                } else {
                    hook
                };
                Obj {
                    kind,
                    name: String::new(),
                    namespace,
                    wave,
                    generate_name: gen_name && hook.is_real_hook(),
                    hook,
                    policies,
                    helm_policies,
                    sync_options,
                }
            },
        )
}

/// Names from positions: Namespaces and CRDs get the names their dependants use.
fn name_objects(mut objs: Vec<Obj>) -> Vec<Obj> {
    for (i, o) in objs.iter_mut().enumerate() {
        o.name = match o.kind {
            Kind::Namespace => ["ns-a", "ns-b", "default"][i % 3].to_string(),
            Kind::Crd => "widgets.example.com".to_string(),
            k => format!("{}{i}", k.prefix()),
        };
    }
    objs
}

fn seed() -> impl Strategy<Value = Seed> {
    prop_oneof![
        2 => (any::<usize>(), prop::sample::select(vec![LeftoverState::Plain,
            LeftoverState::Complete, LeftoverState::Failed]), any::<bool>())
            .prop_map(|(of, state, changed)| Seed::Leftover { of, state, changed }),
        1 => (-1i64..=2, namespace(), prop::bool::weighted(0.2), prop::bool::weighted(0.2))
            .prop_map(|(wave, namespace, prune_last, prune_false)| Seed::Orphan {
                wave, namespace, prune_last, prune_false }),
    ]
}

fn rule() -> impl Strategy<Value = Rule> {
    let status = prop::sample::select(vec![
        "Healthy",
        "Progressing",
        "Degraded",
        "Suspended",
        "Missing",
        "Unknown",
    ]);
    (
        any::<usize>(),
        prop::option::weighted(0.8, prop::sample::select(vec!["succeed", "fail", "hang"])),
        prop_oneof![
            5 => Just(vec![]),
            1 => prop::collection::vec((status, 0u64..=3), 1..=3),
        ],
        0u64..=3,
        prop::bool::weighted(0.15),
        prop::bool::weighted(0.1),
        prop::bool::weighted(0.1),
    )
        .prop_map(
            |(target, outcome, health, after_secs, apply_fail, dry_run_fail, delete_hang)| Rule {
                target,
                outcome,
                health,
                after_secs,
                apply_fail,
                dry_run_fail,
                delete_hang,
            },
        )
}

fn app() -> impl Strategy<Value = App> {
    let options = prop::sample::subsequence(
        vec![
            "CreateNamespace=true",
            "PruneLast=true",
            "ApplyOutOfSyncOnly=true",
            "Replace=true",
            "Prune=confirm",
            "PrunePropagationPolicy=background",
        ],
        0..=2,
    );
    (
        (any::<bool>(), options, prop::sample::select(vec![0u64, 2])),
        prop::option::weighted(0.15, 0i64..=1),
        prop::bool::weighted(0.05),
        prop::sample::select(vec!["default", "default", "ns-a"]),
        prop::option::weighted(0.05, 1u64..=8),
        prop::bool::weighted(0.2),
    )
        .prop_map(
            |(
                (prune, sync_options, wave_delay_secs),
                retry_limit,
                skip_hooks,
                namespace,
                sync_timeout,
                prune_confirmed,
            )| App {
                namespace,
                prune,
                sync_timeout,
                prune_confirmed,
                sync_options,
                wave_delay_secs,
                retry_limit,
                skip_hooks,
            },
        )
}

/// Options for [`case`]: what the properties may not want.
#[derive(Clone, Copy, Debug)]
pub struct CaseOptions {
    pub max_objects: usize,
    /// Allow a user terminate or a controller sync timeout (C-5, C-9).
    pub terminate: bool,
    pub retry: bool,
}

impl Default for CaseOptions {
    fn default() -> Self {
        CaseOptions {
            max_objects: 7,
            terminate: true,
            retry: true,
        }
    }
}

/// Whole scenarios: manifests, cluster contents, behaviours, one or two syncs.
pub fn case(opts: CaseOptions) -> impl Strategy<Value = Case> {
    (
        app(),
        prop::collection::vec(obj(), 0..=opts.max_objects).prop_map(name_objects),
        prop::collection::vec(seed(), 0..=3),
        prop::collection::vec(rule(), 0..=4),
        prop::bool::weighted(0.3),
        (
            prop::sample::select(vec![1usize, 1, 2]),
            prop_oneof![2 => Just(vec![]), 1 => prop::collection::vec(any::<usize>(), 1..=2)],
        ),
        prop::option::weighted(0.1, 1u64..=6).prop_map(move |t| t.filter(|_| opts.terminate)),
    )
        .prop_map(
            move |(
                mut app,
                objects,
                cluster,
                behaviour,
                widget_unknown,
                (syncs, dropped_later),
                terminate_after,
            )| {
                if !opts.retry {
                    app.retry_limit = None;
                }
                if !opts.terminate {
                    app.sync_timeout = None; // a timeout terminates too (C-9)
                }
                Case {
                    app,
                    objects,
                    cluster,
                    behaviour,
                    widget_unknown,
                    syncs,
                    dropped_later,
                    terminate_after,
                }
            },
        )
}

/// Manifest sets only (plan properties).
pub fn manifest_set(max_objects: usize) -> impl Strategy<Value = Case> {
    case(CaseOptions {
        max_objects,
        terminate: false,
        retry: false,
    })
}
