"""
The lab's content as its post gives it (shared/seed/, read as its README says), loaded by
`manage.py seed_content`: {"zh_hans": …, "en": …} for a translated field, in the post's
order. Nothing is invented: what the post does not give stays empty for staff to fill.
"""

LAB = {
    "name": {
        "zh_hans": "北大国际机器学习研究中心张文涛教授团队",
        "en": "Prof. Zhang Wentao's group, Center for Machine Learning Research, Peking University",
    },
    # The post's title: "北京前沿交叉学科研究院张文涛".
    "institution": {
        "zh_hans": "北京前沿交叉学科研究院",
        "en": "Beijing Academy for Advanced Interdisciplinary Studies",
    },
    "tagline": {
        "zh_hans": "研究以数据为中心的机器学习（DCML）、图机器学习、机器学习系统和交叉学科应用",
        "en": (
            "Research on data-centric machine learning (DCML), graph machine learning, "
            "machine learning systems and interdisciplinary applications"
        ),
    },
    # The post opens "…团队招收研究助理（RA）/ 实习生若干。": the page builds that sentence
    # from the open positions (content.recruiting_sentence), so that it follows them.
    "intro": {
        "zh_hans": "对于推免/申请考核制的博士生/硕士生，建议提前进组联系实习。",
        "en": (
            "Students heading for a PhD or master's place through recommended admission "
            "(推免) or the application-and-assessment system (申请考核制) are advised to "
            "join the group early as interns."
        ),
    },
    "meeting_place": {"zh_hans": "静园六院208", "en": "Jingyuan Courtyard 6, Room 208"},
    "online_meeting": {"zh_hans": "腾讯会议", "en": "Tencent Meeting"},
    "requirements_rule": {
        "zh_hans": "需要至少满足以下一个要求，满足多个要求者优先考虑。",
        "en": "At least one of the following requirements must be met; "
        "applicants who meet several are preferred.",
    },
}

ADVISOR = {
    "name": {"zh_hans": "张文涛", "en": "Zhang Wentao"},
    "title": {
        "zh_hans": "助理教授、研究员、博士生导师",
        "en": "Assistant Professor, Researcher and PhD Supervisor",
    },
    "affiliation": {
        "zh_hans": "北京大学国际机器学习研究中心",
        "en": "Center for Machine Learning Research, Peking University",
    },
    "former_affiliations": {
        "zh_hans": "腾讯机器学习平台部、Apple AIML 和加拿大 Mila 人工智能实验室",
        "en": (
            "Tencent's Machine Learning Platform Department, Apple AIML "
            "and Mila, the artificial intelligence lab in Canada"
        ),
    },
    "research_interests": {
        "zh_hans": (
            "以数据为中心的机器学习（Data-centric ML, DCML）、图机器学习、机器学习系统"
            "和交叉学科应用（如 Diffusion、多模态和 AI4Science）"
        ),
        "en": (
            "Data-centric machine learning (Data-centric ML, DCML), graph machine learning, "
            "machine learning systems and interdisciplinary applications (such as Diffusion, "
            "multimodal learning and AI4Science)"
        ),
    },
    "record": {
        "zh_hans": (
            "他近 5 年在机器学习（ICML/NeurIPS/ICLR）、数据挖掘（SIGKDD/WWW）和数据管理"
            "（SIGMOD/VLDB/ICDE）等领域发表 CCF-A 类论文 50 余篇，也担任多个国际顶会"
            "（VLDB/NeurIPS/WWW 等）的 PC Member/Area Chair。他获得多个最佳论文奖，"
            "领导或参与开源了多个机器学习系统，并获得多项荣誉。"
        ),
        "en": (
            "In the last 5 years he has published 50+ CCF-A papers in machine learning "
            "(ICML/NeurIPS/ICLR), data mining (SIGKDD/WWW) and data management "
            "(SIGMOD/VLDB/ICDE), and he serves as PC Member/Area Chair of several top "
            "international conferences (VLDB/NeurIPS/WWW and others). He has received "
            "several best paper awards, has led or taken part in open-sourcing several "
            "machine learning systems, and has received many honours."
        ),
    },
}

# Awards and honours, in the post's order.
HONOURS = [
    {
        "text": {
            "zh_hans": "WWW'22 Best Student Paper Award（第一作者）",
            "en": "WWW'22 Best Student Paper Award (first author)",
        }
    },
    {
        "text": {
            "zh_hans": "APWeb-WAIM'23 Best Paper Runner Up Award（通讯作者）",
            "en": "APWeb-WAIM'23 Best Paper Runner Up Award (corresponding author)",
        }
    },
    {
        "text": {
            "zh_hans": "2021 年度亚太地区唯一的 Apple Scholar",
            "en": "Apple Scholar 2021, the only one in the Asia-Pacific region",
        }
    },
    {
        "text": {
            "zh_hans": "世界人工智能大会云帆奖",
            "en": "Yunfan Award of the World Artificial Intelligence Conference",
        }
    },
    {
        "text": {
            "zh_hans": "北京大学/北京市/中国人工智能学会优秀博士学位论文奖",
            "en": (
                "Outstanding Doctoral Dissertation Award of Peking University, "
                "of Beijing and of the Chinese Association for Artificial Intelligence"
            ),
        }
    },
    {
        "text": {
            "zh_hans": "2023 中国电子学会科技进步一等奖",
            "en": (
                "2023 First Prize of the Science and Technology Progress Award "
                "of the Chinese Institute of Electronics"
            ),
        }
    },
]

# Open-source machine learning systems the advisor led or took part in.
SYSTEMS = [
    {
        "name": "SGL",
        "text": {"zh_hans": "大规模图学习系统", "en": "Large-scale graph learning system"},
    },
    {
        "name": "Angel",
        "text": {"zh_hans": "分布式机器学习系统", "en": "Distributed machine learning system"},
        "github_stars": "6.7k",
    },
    {
        "name": "OpenBox",
        "text": {"zh_hans": "黑盒优化系统", "en": "Black-box optimization system"},
    },
]

# 加入课题组的优势: four groups, each with its items (an item's title is optional).
ADVANTAGE_GROUPS = [
    {
        "title": {"zh_hans": "研究方向", "en": "Research directions"},
        "items": [
            {
                "text": {
                    "zh_hans": (
                        "课题组的研究方向（如大模型数据侧、生成式AI和 AI4Science）"
                        "都是学术界/工业界热点"
                    ),
                    "en": (
                        "The group's research directions (such as the data side of large "
                        "models, generative AI and AI4Science) are hot topics in academia "
                        "and industry"
                    ),
                }
            },
            {
                "text": {
                    "zh_hans": (
                        "作为一线青椒，我善于发现和提炼好的研究问题和方向（在学术内卷的时代，"
                        "找到 Practical 有Impact但Under-explored 新问题比在老问题上卷新方法"
                        "可能更有意义，也更容易出成果）"
                    ),
                    "en": (
                        "As a young faculty member working at the front line, I am good at "
                        "finding and distilling good research problems and directions (in an "
                        "era of academic involution, finding new problems that are Practical, "
                        "have Impact but are Under-explored may be more meaningful than "
                        "competing with new methods on old problems, and more likely to "
                        "bring results)"
                    ),
                }
            },
        ],
    },
    {
        "title": {"zh_hans": "学生指导", "en": "Mentoring"},
        "items": [
            {
                "text": {
                    "zh_hans": ("每周按小方向组会分享（线下：静园六院208，线上：腾讯会议）和讨论"),
                    "en": (
                        "Weekly group meetings by sub-direction to share and discuss work "
                        "(offline: Jingyuan Courtyard 6, Room 208; online: Tencent Meeting)"
                    ),
                }
            },
            {
                "text": {
                    "zh_hans": (
                        "安排经验丰富的师兄/师姐带入门，遇到技术细节问题，随时讨论"
                        "（也可微信随时找我）"
                    ),
                    "en": (
                        "Experienced senior students help you get started; technical "
                        "questions can be discussed at any time (you can also reach me on "
                        "WeChat at any time)"
                    ),
                }
            },
            {
                "text": {
                    "zh_hans": (
                        "有完善的科研入门文档，根据每位学生的基础、兴趣和未来规划针对性选择"
                        "方向，一对一指导（至少meeting 1 次/周，合作超过1年以上的学生，"
                        "一般都有一作顶会投稿/发表）"
                    ),
                    "en": (
                        "Thorough onboarding documents for research; a direction chosen to "
                        "fit each student's background, interests and future plans; one-to-one "
                        "supervision (at least 1 meeting a week; students who have worked with "
                        "us for more than 1 year usually have a first-author submission or "
                        "publication at a top conference)"
                    ),
                }
            },
            {
                "title": {"zh_hans": "作为同龄人", "en": "As a peer"},
                "text": {
                    "zh_hans": "会换位思考，讨论学习、生活、工作和职业规划，尊重学生想法成为朋友",
                    "en": (
                        "I put myself in your place, talk with you about study, life, work and "
                        "career plans, and respect students' ideas: we become friends"
                    ),
                },
            },
        ],
    },
    {
        "title": {"zh_hans": "资源优势", "en": "Resources"},
        "items": [
            {
                "title": {"zh_hans": "业界合作", "en": "Industry partners"},
                "text": {
                    "zh_hans": (
                        "业界合作伙伴（如Apple、腾讯、华为、上海AI Lab、百川智能、字节、快手"
                        "和蚂蚁等）的 Research 实习和工作推荐。可以使用工业界算力、数据和好的"
                        "研究问题，积累实习经历"
                    ),
                    "en": (
                        "Research internships and job referrals with industry partners (such "
                        "as Apple, Tencent, Huawei, Shanghai AI Lab, Baichuan AI, ByteDance, "
                        "Kuaishou and Ant Group). You can use industrial compute, data and good "
                        "research problems, and gain internship experience"
                    ),
                },
            },
            {
                "title": {"zh_hans": "学术合作", "en": "Academic partners"},
                "text": {
                    "zh_hans": "学术界合作伙伴（如Mila、Stanford、ETH、HKUST、NUS 和UQ等）交流机会",
                    "en": (
                        "Exchange opportunities with academic partners (such as Mila, "
                        "Stanford, ETH, HKUST, NUS and UQ)"
                    ),
                },
            },
            {
                "title": {"zh_hans": "充足算力", "en": "Ample compute"},
                "text": {
                    "zh_hans": "丰富的计算资源（如 80GB Tesla A100/H100 集群）",
                    "en": "Plenty of computing resources (such as 80GB Tesla A100/H100 clusters)",
                },
            },
            {
                "title": {"zh_hans": "助研津贴", "en": "Stipend"},
                "text": {
                    "zh_hans": "提供助研津贴",
                    "en": "Research assistants receive a stipend",
                },
            },
        ],
    },
    {
        "title": {"zh_hans": "其他", "en": "Other"},
        "items": [
            {
                "text": {
                    "zh_hans": "有愉快的氛围，定期组织团建（羽毛球、徒步和聚餐等），自愿参加",
                    "en": (
                        "A happy atmosphere, with regular team-building activities (badminton, "
                        "hiking, dinners and more); taking part is voluntary"
                    ),
                }
            },
        ],
    },
]

# 招生简介: the research directions; "children" are a direction's branches.
RESEARCH_DIRECTIONS = [
    {
        "slug": "general-dcml",
        "title": {"zh_hans": "General DCML", "en": "General DCML"},
        "summary": {
            "zh_hans": (
                "近些年来 AI 模型发展遇到了瓶颈，大部分 SOTA 模型（如ChatGPT 和SAM）都是沿用"
                "2017年提出的Transformer 结构，性能收益来源由模型—>数据。课题组主要考虑优化 "
                "Data quality、quantity 和 efficiency，以较低成本和较短时间来获得大量高质量"
                "数据。以大模型（如ChatGPT）为例，在考虑数据获取成本和效率的前提下，设计高效的"
                "数据处理方法（如过滤、去重和降噪），研究科学和系统的数据质量评估体系和策略，"
                "探索更有效的数据合成（如合成和增强）方式，构建有效的数据抽取（如RAG、分布匹配"
                "和数据配比）方式。"
            ),
            "en": (
                "In recent years the development of AI models has hit a bottleneck: most SOTA "
                "models (such as ChatGPT and SAM) still use the Transformer architecture "
                "proposed in 2017, and the gains in performance have moved from the model to "
                "the data. The group works mainly on optimizing data quality, quantity and "
                "efficiency, to obtain large amounts of high-quality data at lower cost and in "
                "less time. Taking large models (such as ChatGPT) as an example, and weighing "
                "the cost and efficiency of acquiring data, we design efficient data "
                "processing methods (such as filtering, deduplication and denoising), study "
                "scientific and systematic frameworks and strategies for evaluating data "
                "quality, explore more effective ways of data synthesis (such as synthesis "
                "and augmentation), and build effective ways of data extraction (such as RAG, "
                "distribution matching and data mixing)."
            ),
        },
    },
    {
        "slug": "dcml-applications",
        "title": {"zh_hans": "DCML Applications", "en": "DCML Applications"},
        "children": [
            {
                "slug": "for-science",
                "title": {"zh_hans": "For Science", "en": "For Science"},
                "summary": {
                    "zh_hans": (
                        "AI4Science 是人工智能和 Science 交叉领域，也是目前学术界和工业界前沿的"
                        "热点方向。课题组主要以数据为中心，研究和设计高效的 Science 数据（如蛋白质"
                        "和分子）构建和预处理方式，以及分子建模与生物制药等交叉应用。"
                    ),
                    "en": (
                        "AI4Science is where artificial intelligence meets science, and a hot "
                        "frontier direction in academia and industry today. Taking a "
                        "data-centric approach, the group studies and designs efficient ways "
                        "to build and preprocess scientific data (such as protein and molecule "
                        "data), and interdisciplinary applications such as molecular modelling "
                        "and biopharmaceuticals."
                    ),
                },
            },
            {
                "slug": "for-aigc",
                "title": {"zh_hans": "For AIGC", "en": "For AIGC"},
                "summary": {
                    "zh_hans": (
                        "Diffusion Model：扩散模型是当前最热门的生成模型，其应用领域包含了"
                        "CV、NLP 以及交叉学科等，课题组主要探究以数据为中心，将扩散模型如何更好地"
                        "应用于各种复杂数据生成场景，如文生图、文生视频、可控3D生成、多模态学习等。"
                    ),
                    "en": (
                        "Diffusion Model: diffusion models are the most popular generative "
                        "models today, applied in CV, NLP and interdisciplinary fields. Taking "
                        "a data-centric approach, the group mainly explores how to apply "
                        "diffusion models better to all kinds of complex data generation "
                        "scenarios, such as text-to-image, text-to-video, controllable 3D "
                        "generation and multimodal learning."
                    ),
                },
            },
        ],
    },
    {
        "slug": "dcml-systems",
        "title": {"zh_hans": "DCML Systems", "en": "DCML Systems"},
        "summary": {
            "zh_hans": (
                "ML System 是人工智能和计算机系统的交叉领域，也是目前计算机系统研究前沿的热点"
                "方向。我们课题组主要考虑从系统层面来支持DCML任务，如支持多种类型（如Graph和"
                "Text）的数据格式，支持大规模数据的处理（如Distributed ML），以及降低系统的使用"
                "门槛（如AutoML）等。针对大模型数据侧，课题组也在开发能支持多种数据类型、大规模"
                "数据的DCML系统，涵盖大模型数据处理、合成、质量评估、以及数据抽取等多个方面。"
            ),
            "en": (
                "ML System is where artificial intelligence meets computer systems, and a hot "
                "frontier direction of computer systems research today. Our group mainly works "
                "on supporting DCML tasks at the system level: supporting many data formats "
                "(such as Graph and Text), processing large-scale data (such as Distributed "
                "ML) and lowering the barrier to using the systems (such as AutoML). For the "
                "data side of large models, the group is also developing a DCML system that "
                "supports many data types and large-scale data, covering data processing, "
                "synthesis, quality evaluation and data extraction for large models."
            ),
        },
    },
]

# The places applicants can ask for; all open, no deadline (the post gives none).
POSITIONS = [
    {
        "slug": "ra",
        "title": {"zh_hans": "研究助理（RA）", "en": "Research assistant (RA)"},
        "summary": {
            "zh_hans": "课题组招收研究助理（RA）若干。",
            "en": "The group is recruiting several research assistants (RA).",
        },
    },
    {
        "slug": "intern",
        "title": {"zh_hans": "实习生", "en": "Intern"},
        "summary": {
            "zh_hans": "课题组招收实习生若干。",
            "en": "The group is recruiting several interns.",
        },
    },
    {
        "slug": "early-intern",
        "title": {
            "zh_hans": "推免/申请考核制提前进组实习",
            "en": "Early internship for future PhD/master's students (推免/申请考核制)",
        },
        "summary": {
            "zh_hans": "对于推免/申请考核制的博士生/硕士生，建议提前进组联系实习。",
            "en": (
                "Students heading for a PhD or master's place through recommended admission "
                "(推免) or the application-and-assessment system (申请考核制) are advised to "
                "join the group early as interns."
            ),
        },
    },
]

# 招生要求: the five criteria (the post numbers them 1, 2, 3, 4, 6). The evidence
# prompts are the site's wording, not the post's; the keywords are only names the
# post gives.
REQUIREMENTS = [
    {
        "short_title": {"zh_hans": "顶会论文", "en": "Top-venue paper"},
        "text": {
            "zh_hans": (
                "作为主要作者在顶级会议（如ICML/NeurIPS/ICLR/CVPR/ICCV/WWW/KDD/SIGMOD/VLDB等）"
                "发表过论文。"
            ),
            "en": (
                "Has published a paper as a main author at a top conference (such as "
                "ICML/NeurIPS/ICLR/CVPR/ICCV/WWW/KDD/SIGMOD/VLDB)."
            ),
        },
        "evidence_prompt": {
            "zh_hans": "会议名称与年份、论文题目和链接，以及你的作者排序。",
            "en": "The conference and year, the paper's title and link, and your place "
            "in the author list.",
        },
        "keywords": "ICML, NeurIPS, ICLR, CVPR, ICCV, WWW, KDD, SIGMOD, VLDB",
        # "作为主要作者": the evidence's author position is checked (corroboration.py).
        "main_author": True,
    },
    {
        "short_title": {"zh_hans": "研究与开源经验", "en": "Research and open source"},
        "text": {
            "zh_hans": "有机器学习基础，有相关研究和开源项目经验，并熟练掌握PyTorch等工具使用。",
            "en": (
                "Has a foundation in machine learning, experience in related research and "
                "open-source projects, and a good command of tools such as PyTorch."
            ),
        },
        "evidence_prompt": {
            "zh_hans": "研究或开源项目的链接（如 GitHub），以及你在其中做了什么。",
            "en": "The link to the research or open-source project (e.g. GitHub) "
            "and what you did in it.",
        },
        "keywords": "PyTorch",
    },
    {
        "short_title": {"zh_hans": "实习成果", "en": "Internship results"},
        "text": {
            "zh_hans": (
                "在科技公司或研究机构有过实习经历，对机器学习的应用有系统深刻理解，"
                "并在实习阶段取得过突出成果。"
            ),
            "en": (
                "Has interned at a technology company or research institute, has a systematic "
                "and deep understanding of applying machine learning, and achieved outstanding "
                "results during the internship."
            ),
        },
        "evidence_prompt": {
            "zh_hans": "公司或研究机构、实习时间，以及取得的成果。",
            "en": "The company or institute, the period of the internship and its outcome.",
        },
        "keywords": "",
    },
    {
        "short_title": {"zh_hans": "竞赛成绩", "en": "Competitions"},
        "text": {
            "zh_hans": (
                "在Kaggle、天池和OGB等比赛中取得过良好成绩；有ACM/NOI/NOIP等信息学竞赛训练经历，"
                "有扎实的编程基础。"
            ),
            "en": (
                "Has achieved good results in competitions such as Kaggle, Tianchi (天池) and "
                "OGB; has trained for informatics competitions such as ACM/NOI/NOIP and has a "
                "solid programming foundation."
            ),
        },
        "evidence_prompt": {
            "zh_hans": "比赛名称、年份和名次，或参加过的信息学竞赛及成绩。",
            "en": "The competition, year and your rank, or the informatics competition "
            "you trained for and your result.",
        },
        "keywords": "Kaggle, 天池, OGB, ACM, NOI, NOIP",
    },
    {
        "short_title": {"zh_hans": "科研热情", "en": "Drive for research"},
        "text": {
            "zh_hans": (
                "对机器学习基础研究和应用有浓厚兴趣，愿意独立思考，足够Self-motivated"
                "并渴望做出有影响力的科研成果。"
            ),
            "en": (
                "Has a strong interest in fundamental machine learning research and its "
                "applications, is willing to think independently, is Self-motivated enough "
                "and eager to produce research with impact."
            ),
        },
        "evidence_prompt": {
            "zh_hans": "你想研究什么，以及为什么。",
            "en": "What you would like to research, and why.",
        },
        "keywords": "",
    },
]


# The e-mails staff send when they move an application to one of these stages: not
# from the post, but plain site texts that state no fact the post does not give (no
# date, place or person). Editors change them in the admin.
MESSAGE_TEMPLATES = [
    {
        "stage": "interview",
        "subject": {
            "zh_hans": "面试邀请：{position}",
            "en": "Invitation to an interview: {position}",
        },
        "body": {
            "zh_hans": (
                "{name}，你好：\n\n"
                "感谢你申请{position}。课题组希望邀请你参加面试，具体安排我们会另行通知。\n\n"
                "你可以在申请状态页面查看进展：\n{status_url}\n\n{lab}"
            ),
            "en": (
                "Dear {name},\n\n"
                "Thank you for your application for {position}. The lab would like to invite "
                "you to an interview; we will write to you again with the arrangements.\n\n"
                "You can follow your application on its status page:\n{status_url}\n\n{lab}"
            ),
        },
    },
    {
        "stage": "offer",
        "subject": {
            "zh_hans": "录用通知：{position}",
            "en": "An offer from the lab: {position}",
        },
        "body": {
            "zh_hans": (
                "{name}，你好：\n\n"
                "很高兴通知你，课题组希望录用你为{position}。后续事项我们会另行与你联系。\n\n"
                "你可以在申请状态页面查看进展：\n{status_url}\n\n{lab}"
            ),
            "en": (
                "Dear {name},\n\n"
                "We are glad to tell you that the lab would like to offer you the place of "
                "{position}. We will write to you again about the next steps.\n\n"
                "You can follow your application on its status page:\n{status_url}\n\n{lab}"
            ),
        },
    },
    {
        "stage": "rejected",
        "subject": {
            "zh_hans": "关于你的申请：{position}",
            "en": "About your application: {position}",
        },
        "body": {
            "zh_hans": (
                "{name}，你好：\n\n"
                "感谢你申请{position}，也感谢你对课题组的关注。经过审阅，课题组不会继续推进你的申请。"
                "\n\n祝你学业和科研顺利。\n\n申请状态页面：\n{status_url}\n\n{lab}"
            ),
            "en": (
                "Dear {name},\n\n"
                "Thank you for your application for {position} and for your interest in the "
                "lab. After considering it, the lab will not take your application further."
                "\n\nWe wish you every success in your studies and your research.\n\n"
                "Status page:\n{status_url}\n\n{lab}"
            ),
        },
    },
]
